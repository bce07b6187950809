#!/usr/bin/env python3
"""Ratios of ptgen's single-page workloads to the seed baseline measured in the same run.

    build/bench/benchmarks/ptgen_bench --benchmark_filter='/(single_|query$|churn)' \\
        --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \\
        --benchmark_format=json > single.json
    benchmarks/single_page_ratios.py single.json

Prints, per format and workload, ptgen's median ns per page (per pair for map_unmap, per
operation for churn), the seed's (seed/<format>/<workload>, benchmarks/seed_baseline.hpp), the
ratio, and the frames each holds where the workload reports them.
"""
import json
import sys


def main(path):
    runs = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") == "median":
            runs[b["run_name"]] = b
    print(f"{'workload':44} {'ptgen ns':>9} {'seed ns':>9} {'ratio':>6}  frames (ptgen / seed)")
    for name in sorted(runs):
        if name.startswith("seed/"):
            continue
        ours, seed = runs[name], runs.get("seed/" + name)
        if seed is None:
            continue
        v, s = ours.get("ns/page", 0.0), seed.get("ns/page", 0.0)
        frames = ""
        if "frames" in ours or "frames" in seed:
            frames = f"{ours.get('frames', float('nan')):.0f} / {seed.get('frames', float('nan')):.0f}"
        print(f"{name:44} {v:9.2f} {s:9.2f} {v / s if s else float('nan'):6.2f}  {frames}")


if __name__ == "__main__":
    main(sys.argv[1])
