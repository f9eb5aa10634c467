#!/usr/bin/env python3
"""Turns one `bench/run --storm` result folder into results-storm.md.

Reads metrics.txt and the subscriber dumps (report.py's columns, then
"<drop_ns> <current_ns> <resent>"): ours-grpc-*.txt, ours-sse-*.txt,
base-grpc-*.txt. Time to current set of one subscriber = current_ns minus
the moment its server was sent SIGTERM (storm_kill_ns), and minus the
moment the new server process was started (storm_start_ns). Connect rate =
subscribers holding the current set again / seconds from the new process's
start to the last of them. Percentiles are nearest-rank. Standard library only.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import (fmt_ms, load_arrivals, load_metrics, percentile, ratio,  # noqa: E402
                    write_results)

DROP, CURRENT, RESENT = 6, 7, 8
GOAL_S = 5.0


def storm(rows, kill_ns, start_ns):
    """Figures of one population of subscribers."""
    rows = [r for r in rows if len(r) > RESENT]
    done = [r for r in rows if r[CURRENT] > 0]
    from_kill = sorted((r[CURRENT] - kill_ns) / 1e6 for r in done)
    from_start = sorted((r[CURRENT] - start_ns) / 1e6 for r in done)
    last = max((r[CURRENT] for r in done), default=0)
    span_s = (last - start_ns) / 1e9 if done else float("nan")
    return {
        "n": len(rows),
        "current": len(done),
        "within_goal": sum(1 for v in from_kill if v <= GOAL_S * 1000),
        "resent": sum(1 for r in rows if r[RESENT]),
        "kill": from_kill,
        "start": from_start,
        "rate": len(done) / span_s if done and span_s > 0 else float("nan"),
    }


def row(name, s):
    k, st = s["kill"], s["start"]
    return (f"| {name} | {s['n']} | {s['current']} | {s['within_goal']} | {s['resent']} | "
            f"{fmt_ms(percentile(k, 50))} | {fmt_ms(percentile(k, 99))} | "
            f"{fmt_ms(k[-1] if k else float('nan'))} | {fmt_ms(percentile(st, 99))} | "
            f"{s['rate']:.0f}/s |")


def main():
    folder = sys.argv[1]
    m = load_metrics(folder)
    kill, start = int(m["storm_kill_ns"]), int(m["storm_start_ns"])
    bkill, bstart = int(m["base_storm_kill_ns"]), int(m["base_storm_start_ns"])
    og = storm(load_arrivals(folder, "ours-grpc-*.txt"), kill, start)
    os_ = storm(load_arrivals(folder, "ours-sse-*.txt"), kill, start)
    both = storm(load_arrivals(folder, "ours-grpc-*.txt") + load_arrivals(folder, "ours-sse-*.txt"),
                 kill, start)
    base = storm(load_arrivals(folder, "base-grpc-*.txt"), bkill, bstart)
    tick = int(m.get("clk_tck", "100"))

    out = []
    crash = m.get("storm_crash") == "1"
    how = "killed (SIGKILL)" if crash else "stopped (SIGTERM)"
    sig = "SIGKILL" if crash else "SIGTERM"
    out.append(f"Reconnect storm: statuscast-banner {how} and started again with the same command, with "
               f"{og['n']} gRPC + {os_['n']} SSE subscribers holding the banner of a SEV-1 (version "
               f"{m.get('storm_declare_sequence', '?')}; world at {m.get('storm_world_version', '?')} "
               f"after a change elsewhere); every subscriber reconnects at once, resuming from its "
               f"last version. Baseline: {base['n']} gRPC streams, the trivial server killed and "
               f"started again. Load average before the storm {m.get('loadavg_before_storm', '?')}, "
               f"after {m.get('loadavg_after_storm', '?')}; before the baseline's "
               f"{m.get('loadavg_before_base_storm', '?')}.")
    if "storm_heard_world" in m:
        out.append("")
        out.append(f"At the {sig}, {int(m.get('storm_since_change_ms', '0')) / 1000:.1f} s after the "
                   f"last change, {m['storm_heard_world']} of {og['n'] + os_['n']} subscribers would "
                   f"resume from the world's version {m.get('storm_world_version', '?')} or later "
                   "(heard it from a heartbeat: gRPC `Heartbeat.version`, SSE an id-only event).")
    out.append("")
    out.append(f"| who | subscribers | holding the current set again | within 5 s of {sig} | "
               f"full resends | p50 from {sig} | p99 from {sig} | max | p99 from the new "
               "process's start | connect rate (new process's start to the last) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    out.append(row("ours gRPC", og))
    out.append(row("ours SSE", os_))
    out.append(row("**ours all**", both))
    out.append(row("baseline gRPC", base))
    out.append("")
    gap = (start - kill) / 1e6
    bgap = (bstart - bkill) / 1e6
    out.append(f"{sig} to the new process's start (the old process's exit): "
               f"{gap:.0f} ms (baseline: {bgap:.0f} ms, it exits at once).")
    p99_ours, p99_base = percentile(both["kill"], 99), percentile(base["kill"], 99)
    p99s_ours, p99s_base = percentile(both["start"], 99), percentile(base["start"], 99)
    cpu_ours = int(m.get("storm_banner_cpu_ticks", "0")) * 1000 / tick
    cpu_base = int(m.get("base_storm_cpu_ticks", "0")) * 1000 / tick
    out.append("")
    idle_ms = int(m.get("storm_pg_idle_window_ms", "1"))
    storm_ms = int(m.get("storm_pg_window_ms", "1"))
    idle_x = int(m.get("storm_pg_idle_xacts", "0"))
    storm_x = int(m.get("storm_pg_xacts", "0"))
    expected = idle_x * storm_ms / idle_ms
    out.append("| figure | statuscast-banner | baseline (same run) | ratio | goal | |")
    out.append("|---|---|---|---|---|---|")
    ok = both["within_goal"] == both["n"] and both["n"] > 0
    out.append(f"| all hold the current set within 5 s of the drop | {both['within_goal']} of "
               f"{both['n']} (p99 {fmt_ms(p99_ours)}) | {base['within_goal']} of {base['n']} "
               f"(p99 {fmt_ms(p99_base)}) | {ratio(p99_ours, p99_base)} | all within 5 s | "
               f"{'met' if ok else 'NOT met'} |")
    out.append(f"| p99 time to current set from the new process's start | {fmt_ms(p99s_ours)} | "
               f"{fmt_ms(p99s_base)} | {ratio(p99s_ours, p99s_base)} | | |")
    out.append(f"| connect rate | {both['rate']:.0f}/s | {base['rate']:.0f}/s | "
               f"{ratio(both['rate'], base['rate'])} | | |")
    out.append(f"| full resends to a subscriber whose version is current | {both['resent']} | "
               f"{base['resent']} (it has no versions) | | 0 | "
               f"{'met' if both['resent'] == 0 else 'NOT met'} |")
    out.append(f"| server CPU, new process from exec to the last subscriber current | "
               f"{cpu_ours:.0f} ms | {cpu_base:.0f} ms | {ratio(cpu_ours, cpu_base)} | | |")
    extra = storm_x - expected
    per_sub = extra / both["n"] if both["n"] else float("nan")
    out.append(f"| PostgreSQL transactions, {sig} to 12 s after the last subscriber "
               f"({storm_ms / 1000:.1f} s) | {storm_x} (tuples returned "
               f"{m.get('storm_pg_tup_returned', '?')}); {extra:.0f} above the idle rate, "
               f"{per_sub:.4f} per subscriber | idle: {idle_x} in {idle_ms / 1000:.1f} s, "
               f"{expected:.0f} at that rate | | no query per subscriber (< 0.01 each) | "
               f"{'met' if per_sub < 0.01 else 'NOT met'} |")
    out.append("")
    out.append("PostgreSQL figures are pg_stat_database deltas of the benchmark's database (every "
               "client of it: statuscast-banner, statuscast-comms, the readings themselves). "
               "The storm window includes the old process's shutdown and the new one's start-up "
               "(migration check, one world load, the status page and compliance loads), "
               "which do not depend on the number of subscribers.")
    write_results(folder, "results-storm.md", out)


if __name__ == "__main__":
    main()
