"""One results.md row for bench/write/run: the client's JSON, pgbench's tps, the round."""
import json
import sys

r = json.load(open(sys.argv[1]))
tps = float(sys.argv[2])
print(f"| {sys.argv[3]} | {r['writers']} | {r['per_second']:.0f}/s | {r['p50_ms']:.1f} ms / "
      f"{r['p99_ms']:.1f} ms | {tps:,.0f} tps | {r['per_second'] / tps:.2f} | {r['errors']} |")
