"""One results.md row for bench/write/run.

Arguments: the client's JSON, pgbench's tps, pgbench's mean latency (ms), the round.
"""
import json
import sys

r = json.load(open(sys.argv[1]))
tps = float(sys.argv[2])
latency = sys.argv[3]
print(f"| {sys.argv[4]} | {r['writers']} | {r['per_second']:.0f}/s | {r['p50_ms']:.1f} ms / "
      f"{r['p99_ms']:.1f} ms | {tps:,.0f} tps, {latency} ms | {r['per_second'] / tps:.2f} | "
      f"{r['errors']} |")
