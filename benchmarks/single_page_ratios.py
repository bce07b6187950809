#!/usr/bin/env python3
"""Ratios of ptgen's single-page workloads to the seed baseline measured in the same run, for
one or more compilers, with the issue-10 targets:

    build/bench/benchmarks/ptgen_bench --benchmark_filter='/(single_|query$|churn)' \\
        --benchmark_repetitions=5 --benchmark_format=json > gcc.json
    benchmarks/single_page_ratios.py g++=gcc.json clang=clang.json [--markdown]

Per format, workload and compiler: ptgen's median ns (per page, the format's smallest: 4 KiB, or
16 or 64 KiB for the AArch64 granules; per pair for map_unmap; per operation for churn), the
baseline's (seed/<format>/<workload>, benchmarks/seed_baseline.hpp),
the ratio of the medians with its spread (the smallest and largest ratio of repetitions paired
in order: ptgen's k-th against the seed's k-th), the target, and frames where the workload
reports them. Exit status 0; the misses are listed at the end.
"""
import json
import re
import statistics
import sys
from collections import defaultdict

TARGETS = {  # workload -> largest ratio to the baseline
    "single_map": 0.8,
    "single_map_unmap": 1.5,
    "single_map_unmap_nb": 1.5,
    "churn": 0.8,
    "query": 0.8,
    "single_query_seq": 0.8,
    "map_region_4k": 0.2,
    "unmap_region_4k": 0.2,
    "protect_region_4k": 0.2,
}


def load(path):
    """run_name -> list of ns/page of the repetitions (and frames of the last)."""
    reps, frames = defaultdict(list), {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("run_type") == "aggregate" or "ns/page" not in b:
            continue
        reps[b["run_name"]].append(b["ns/page"])
        if "frames" in b:
            frames[b["run_name"]] = b["frames"]
    return reps, frames


def main(argv):
    markdown = "--markdown" in argv
    runs = []
    for arg in argv:
        if arg == "--markdown":
            continue
        label, _, path = arg.rpartition("=")
        runs.append((label or path, *load(path)))
    rows, misses = [], []
    for label, reps, frames in runs:
        for name in sorted(reps):
            if name.startswith("seed/") or "seed/" + name not in reps:
                continue
            ours, seed = reps[name], reps["seed/" + name]
            fmt, _, workload = name.partition("/")
            ratio = statistics.median(ours) / statistics.median(seed)
            paired = [o / s for o, s in zip(ours, seed)]
            target = TARGETS.get(re.sub(r"_(16|64)k$", "_4k", workload))  # granules: the 4K target
            ok = target is None or ratio <= target
            if not ok:
                misses.append(f"{label} {name}: {ratio:.2f} > {target}")
            fr = ""
            if name in frames or "seed/" + name in frames:
                fr = f"{frames.get(name, float('nan')):.0f} / {frames.get('seed/' + name, float('nan')):.0f}"
            rows.append((fmt, workload, label, statistics.median(ours), statistics.median(seed),
                         ratio, min(paired), max(paired), target, ok, fr))
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    if markdown:
        print("| workload | format | compiler | ptgen ns | baseline ns | ratio (spread) | target | frames ptgen / baseline |")
        print("|---|---|---|---|---|---|---|---|")
        for fmt, w, lab, o, s, r, lo, hi, t, ok, fr in rows:
            tgt = "" if t is None else f"<= {t} {'met' if ok else 'missed'}"
            print(f"| {w} | {fmt} | {lab} | {o:.2f} | {s:.2f} | {r:.2f} ({lo:.2f}-{hi:.2f}) | {tgt} | {fr} |")
    else:
        print(f"{'workload':20} {'format':22} {'cc':6} {'ptgen':>8} {'seed':>8} {'ratio':>6} {'spread':>11} target")
        for fmt, w, lab, o, s, r, lo, hi, t, ok, fr in rows:
            tgt = "" if t is None else f"<= {t} {'ok' if ok else 'MISS'}"
            print(f"{w:20} {fmt:22} {lab:6} {o:8.2f} {s:8.2f} {r:6.2f} {lo:5.2f}-{hi:5.2f} {tgt} {fr}")
    if misses:
        print(f"\n{len(misses)} target(s) missed:")
        for m in misses:
            print("  " + m)


if __name__ == "__main__":
    main(sys.argv[1:])
