#!/usr/bin/env python3
"""Turns one bench/run result folder into the results table (Markdown).

Reads, from the folder given as the only argument:
  metrics.txt            key=value lines written by bench/run (RSS, CPU, commit times)
  ours-grpc-*.txt        subscriber dumps: "<index> <first_ns> <t1_ns> <t2_ns> <t3_ns> <t4_ns>"
  ours-sse-*.txt
  base-grpc-*.txt
Latency of transition k for one subscriber = t_k - commit time of change k
(declare for k=1, resolve for k=2; the baseline's push start for its pushes).
Percentiles are nearest-rank. Standard library only.
"""
import glob
import math
import os
import sys


def load_metrics(folder):
    metrics = {}
    with open(os.path.join(folder, "metrics.txt")) as f:
        for line in f:
            line = line.strip()
            if "=" in line:
                key, value = line.split("=", 1)
                metrics[key] = value
    return metrics


def load_arrivals(folder, pattern):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, pattern))):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4:
                    rows.append([int(p) for p in parts])
    return rows


def write_results(folder, name, lines):
    """Writes the Markdown lines to folder/name and prints them."""
    text = "\n".join(lines) + "\n"
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)
    sys.stdout.write(text)


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def latencies(rows, column, commit_ns):
    """Milliseconds from commit to arrival; and how many never arrived."""
    got = sorted((r[column] - commit_ns) / 1e6 for r in rows if r[column] > 0)
    return got, len(rows) - len(got)


def summary(values):
    return (percentile(values, 50), percentile(values, 99), values[-1] if values else float("nan"))


def fmt_ms(v):
    return "n/a" if v != v else f"{v:.0f} ms" if v >= 10 else f"{v:.1f} ms"


def ratio(a, b):
    if b != b or a != a or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def main():
    folder = sys.argv[1]
    m = load_metrics(folder)
    ours_grpc = load_arrivals(folder, "ours-grpc-*.txt")
    ours_sse = load_arrivals(folder, "ours-sse-*.txt")
    base_grpc = load_arrivals(folder, "base-grpc-*.txt")
    commit = {1: int(m["declare_returned_ns"]), 2: int(m["resolve_returned_ns"])}
    push = {1: int(m.get("base_push1_ns", "0")), 2: int(m.get("base_push2_ns", "0"))}

    out = []
    out.append(f"Subscribers: statuscast-banner {len(ours_grpc)} gRPC + {len(ours_sse)} SSE; "
               f"baseline {len(base_grpc)} gRPC.")
    out.append("")
    out.append("| change | who | subscribers | p50 | p99 | max | missing | "
               "p50 / baseline | p99 / baseline | max / baseline |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for k, name in ((1, "declare (banner appears)"), (2, "resolve (banner goes)")):
        col = k + 1
        base_vals, base_missing = latencies(base_grpc, col, push[k]) if push[k] else ([], 0)
        b50, b99, bmax = summary(base_vals)
        og, og_missing = latencies(ours_grpc, col, commit[k])
        os_, os_missing = latencies(ours_sse, col, commit[k])
        both = sorted(og + os_)
        for who, vals, missing, n in (("ours gRPC", og, og_missing, len(ours_grpc)),
                                      ("ours SSE", os_, os_missing, len(ours_sse)),
                                      ("ours all", both, og_missing + os_missing,
                                       len(ours_grpc) + len(ours_sse))):
            p50, p99, pmax = summary(vals)
            out.append(f"| {name} | {who} | {n} | {fmt_ms(p50)} | {fmt_ms(p99)} | {fmt_ms(pmax)} | "
                       f"{missing} | {ratio(p50, b50)} | {ratio(p99, b99)} | {ratio(pmax, bmax)} |")
        out.append(f"| {name} | baseline gRPC | {len(base_grpc)} | {fmt_ms(b50)} | {fmt_ms(b99)} | "
                   f"{fmt_ms(bmax)} | {base_missing} | 1 | 1 | 1 |")
    out.append("")

    def kib(key):
        return int(m[key]) if key in m else None

    rss0, rss_g, rss_all = kib("ours_rss0_kib"), kib("ours_rss_grpc_kib"), kib("ours_rss_all_kib")
    b0, b1 = kib("base_rss0_kib"), kib("base_rss_grpc_kib")
    n_g, n_s, n_b = len(ours_grpc), len(ours_sse), len(base_grpc)
    per_g = (rss_g - rss0) / n_g if n_g else float("nan")
    per_s = (rss_all - rss_g) / n_s if n_s else float("nan")
    per_all = (rss_all - rss0) / (n_g + n_s) if n_g + n_s else float("nan")
    per_b = (b1 - b0) / n_b if n_b else float("nan")
    out.append("| resident memory | statuscast-banner | baseline | ratio |")
    out.append("|---|---|---|---|")
    out.append(f"| before subscribers | {rss0 / 1024:.1f} MiB | {b0 / 1024:.1f} MiB | |")
    out.append(f"| with all idle subscribers | {rss_all / 1024:.1f} MiB | {b1 / 1024:.1f} MiB | |")
    out.append(f"| per idle gRPC stream | {per_g:.1f} KiB | {per_b:.1f} KiB | {ratio(per_g, per_b)} |")
    out.append(f"| per idle SSE stream | {per_s:.1f} KiB | | {ratio(per_s, per_b)} |")
    out.append(f"| per idle stream, all | {per_all:.1f} KiB | {per_b:.1f} KiB | "
               f"{ratio(per_all, per_b)} |")
    out.append("")
    tick = int(m.get("clk_tck", "100"))

    def cpu(key):
        return int(m[key]) * 1000 / tick if key in m else float("nan")

    out.append("| CPU time of the server process (utime+stime) | statuscast-banner | baseline | ratio |")
    out.append("|---|---|---|---|")
    for k, name in ((1, "declare fan-out"), (2, "resolve fan-out")):
        ours_cpu, base_cpu = cpu(f"ours_cpu{k}_ticks"), cpu(f"base_cpu{k}_ticks")
        out.append(f"| {name}, commit to last arrival | {ours_cpu:.0f} ms | {base_cpu:.0f} ms | "
                   f"{ratio(ours_cpu, base_cpu)} |")
    ours_clients, base_clients = cpu("ours_clients_cpu1_ticks"), cpu("base_clients_cpu1_ticks")
    out.append(f"| the subscriber processes, declare fan-out (same 2 cores) | {ours_clients:.0f} ms | "
               f"{base_clients:.0f} ms | {ratio(ours_clients, base_clients)} |")
    ours_idle, base_idle = cpu("ours_cpu_idle_ticks"), cpu("base_cpu_idle_ticks")
    idle_s = float(m.get("idle_window_s", "10"))
    out.append(f"| idle, {idle_s:.0f} s with every subscriber connected | {ours_idle:.0f} ms | "
               f"{base_idle:.0f} ms | {ratio(ours_idle, base_idle)} |")
    out.append("")

    # The goals of the fan-out work, each beside its figure and the baseline.
    cores = int(m.get("nproc", "2"))
    n_all = n_g + n_s
    ours_cpu1 = cpu("ours_cpu1_ticks")
    base_cpu1 = cpu("base_cpu1_ticks")
    per_set = ours_cpu1 * 1000 / n_all if n_all else float("nan")   # microseconds
    per_set_b = base_cpu1 * 1000 / n_b if n_b else float("nan")
    og1, _ = latencies(ours_grpc, 2, commit[1])
    os1, _ = latencies(ours_sse, 2, commit[1])
    all1 = sorted(og1 + os1)
    bv1, _ = latencies(base_grpc, 2, push[1]) if push[1] else ([], 0)
    p99_all, p99_base = percentile(all1, 99), percentile(bv1, 99)

    def verdict(ok):
        return "met" if ok else "NOT met"

    out.append("| goal | figure | baseline (same run) | ratio | target | |")
    out.append("|---|---|---|---|---|---|")
    out.append(f"| server CPU per delivered set (declare) | {per_set:.1f} us | {per_set_b:.1f} us | "
               f"{ratio(per_set, per_set_b)} | <= 25 us | {verdict(per_set <= 25)} |")
    proj = per_set * n_all / 1000 / cores
    out.append(f"| projection: {n_all} subscribers on {cores} cores, clients elsewhere "
               f"(CPU / cores) | {proj:.0f} ms | | | ~250 ms | {verdict(proj <= 250)} |")
    out.append(f"| last of {n_all} mixed subscribers, p99 (declare) | {fmt_ms(p99_all)} | "
               f"{fmt_ms(p99_base)} ({n_b} gRPC alone) | {ratio(p99_all, p99_base)} | "
               f"<= baseline | {verdict(p99_all <= p99_base)} |")
    out.append(f"| idle CPU, {idle_s:.0f} s, all connected | {ours_idle:.0f} ms | {base_idle:.0f} ms | "
               f"{ratio(ours_idle, base_idle)} | <= 2x | "
               f"{verdict(base_idle > 0 and ours_idle <= 2 * base_idle)} |")
    out.append(f"| memory per idle gRPC stream | {per_g:.1f} KiB | {per_b:.1f} KiB | "
               f"{ratio(per_g, per_b)} | <= 16 KiB | {verdict(per_g <= 16)} |")
    out.append(f"| memory per idle SSE stream | {per_s:.1f} KiB | | | <= 5 KiB | "
               f"{verdict(per_s <= 5)} |")
    out.append("")
    out.append("Commit times: the moment the DeclareIncident / ResolveIncident RPC returned "
               "(absl::Now()). The change_log row's `at` was "
               f"{(commit[1] - int(m.get('declare_log_at_ns', commit[1]))) / 1e6:.1f} ms and "
               f"{(commit[2] - int(m.get('resolve_log_at_ns', commit[2]))) / 1e6:.1f} ms before "
               "that; measuring from `at` adds that much to every figure. "
               f"Set sizes: gRPC message {m.get('ours_grpc_bytes', '?')} bytes, SSE data line "
               f"{m.get('ours_sse_bytes', '?')} bytes, baseline message "
               f"{m.get('base_grpc_bytes', '?')} bytes.")
    write_results(folder, "results.md", out)


if __name__ == "__main__":
    main()
