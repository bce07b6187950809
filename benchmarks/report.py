#!/usr/bin/env python3
"""benchmarks/report.py: turns ptgen_bench's JSON (Google Benchmark, with repetitions) into the
report of issue 5: a markdown table of the targets (ratios computed from this one run, pass or
miss), ns per page for every workload and format (median and spread of the repetitions),
memory (tables and frames against the minimum), a summary JSON and, with --png, a gnuplot chart.

    python3 benchmarks/report.py build/bench/results/ptgen_bench.json --out build/bench/results

Times are CPU time per page (Google Benchmark's rate counters use CPU time): on a shared machine
that leaves out the time the benchmark was not running. Only Debian's python3 is needed.

A page is the format's smallest (4 KiB; 16 or 64 KiB with AArch64's larger granules, whose
workloads ptgen_bench names map_region_16k, map_region_64k...): read here as one workload,
keyed by its 4 KiB name.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections import OrderedDict, defaultdict


def canonical(workload):
    """map_region_16k, map_region_64k -> map_region_4k: one workload in the smallest page."""
    return re.sub(r"_(16|64)k(?=_|$)", "_4k", workload)

# (name, numerator, denominator, comparison, bound, paired counter)
# The ratio is that of the medians of two benchmarks (numerator / denominator) or, when the
# numerator benchmark reports the paired counter, the median of that counter: the operation and
# its reference timed back to back in the same iterations (far less noisy on a shared machine).
TARGETS = [
    ("map_region 4K vs page by page", "map_page_by_page", "map_region_4k", ">=", 5.0, None),
    ("map_region 4K vs raw stores", "map_region_4k", "raw_store", "<=", 3.0, "x_raw"),
    ("unmap_region 4K vs raw stores", "unmap_region_4k", "raw_store", "<=", 3.0, "x_raw"),
    ("protect_region 4K vs raw stores", "protect_region_4k", "raw_store", "<=", 3.0, "x_raw"),
    ("query vs bare walk", "query", "bare_walk", "<=", 2.0, "x_bare"),
]

# Informative ratios (no target).
EXTRA_RATIOS = [
    ("map_linear 4K / raw", "map_linear_4k", "raw_store"),
    ("map_region 4K (frame list) / raw", "map_region_4k_frames", "raw_store"),
    ("map_region 4K (scattered) / raw", "map_region_4k_scattered", "raw_store"),
    ("page by page / map_linear 4K", "map_page_by_page", "map_linear_4k"),
]

WORKLOADS = [
    ("map_region_4k", "map_region 1 GiB, pages"),
    ("map_region_4k_frames", "map_region, get_paddr reads a (contiguous) frame list"),
    ("map_region_4k_scattered", "map_region, no two pages contiguous"),
    ("map_region_huge", "map_region 1 GiB, huge pages allowed"),
    ("map_linear_4k", "map_linear 1 GiB, pages"),
    ("map_linear_huge", "map_linear 1 GiB, huge pages allowed"),
    ("map_page_by_page", "cursor.map per page (the seed's way)"),
    ("raw_store", "bare stores of the leaves into existing tables (the limit)"),
    ("raw_store_encode", "bare stores, one encode_leaf per entry"),
    ("unmap_region_4k", "unmap_region 1 GiB of pages (tables freed)"),
    ("protect_region_4k", "protect_region 1 GiB of pages"),
    ("query", "query of random mapped addresses"),
    ("bare_walk", "bare software walk of the same addresses"),
    ("churn", "sparse churn: unmap + map of random pages (per op)"),
]


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def load(path):
    with open(path) as f:
        data = json.load(f)
    runs = defaultdict(list)   # (format, workload) -> [run dict]
    errors = []
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration":
            continue
        name = b.get("run_name", b["name"]).split("/manual_time")[0]
        # (seed/<format>/<workload>: the seed baseline, reported by single_page_ratios.py)
        if "/" not in name or name.startswith("seed/"):
            continue
        fmt, workload = name.split("/", 1)
        workload = canonical(workload)
        if b.get("error_occurred"):
            errors.append("%s: %s" % (name, b.get("error_message", "error")))
            continue
        runs[(fmt, workload)].append(b)
    formats = list(OrderedDict.fromkeys(f for f, _ in runs))
    return data, runs, formats, errors


def summarize(runs):
    out = {}
    for key, rs in runs.items():
        ns = [r["ns/page"] for r in rs if "ns/page" in r]
        entry = {
            "repetitions": len(rs),
            "ns_per_page": {"median": median(ns), "min": min(ns), "max": max(ns)} if ns else None,
            "pages_per_s": median([r["pages/s"] for r in rs if "pages/s" in r]),
        }
        for c in ("x_raw", "x_bare"):
            vals = [r[c] for r in rs if c in r]
            if vals:
                entry[c] = {"median": median(vals), "min": min(vals), "max": max(vals)}
        for c in ("tables", "tables_min", "frames", "frames_min", "frames_after_unmap_all",
                  "root_frames", "window_gib"):
            vals = sorted({int(r[c]) if float(r[c]).is_integer() else r[c] for r in rs if c in r})
            if vals:
                entry[c] = vals[0] if len(vals) == 1 else vals  # a list: differs between runs
        out[key] = entry
    return out


def ratio(summary, fmt, num, den):
    a, b = summary.get((fmt, num)), summary.get((fmt, den))
    if not a or not b or not a["ns_per_page"] or not b["ns_per_page"]:
        return None
    na, nb = a["ns_per_page"], b["ns_per_page"]
    return {
        "median": na["median"] / nb["median"],
        # the widest the ratio could be from the spread of both sides
        "low": na["min"] / nb["max"],
        "high": na["max"] / nb["min"],
    }


def target_ratio(summary, fmt, num, den, counter):
    """(ratio dict, how): the paired counter when there is one, else the ratio of medians."""
    e = summary.get((fmt, num))
    if counter and e and counter in e:
        c = e[counter]
        return {"median": c["median"], "low": c["min"], "high": c["max"]}, "paired"
    return ratio(summary, fmt, num, den), "separate"


def check(value, op, bound):
    return value >= bound if op == ">=" else value <= bound


def fmt_ns(v):
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    if v >= 1:
        return "%.2f" % v
    return "%.3f" % v


def memory_checks(summary, fmt):
    """(frames == minimum for every workload, root alone after unmap all, mismatches)"""
    bad_min, bad_root = [], []
    for (f, w), e in summary.items():
        if f != fmt:
            continue
        if "frames" in e and e.get("frames") != e.get("frames_min"):
            bad_min.append("%s: %s frames, minimum %s" % (w, e.get("frames"), e.get("frames_min")))
        if "tables" in e and e.get("tables") != e.get("tables_min"):
            bad_min.append("%s: %s tables, minimum %s" % (w, e.get("tables"), e.get("tables_min")))
        if "frames_after_unmap_all" in e and e["frames_after_unmap_all"] != e.get("root_frames"):
            bad_root.append("%s: %s frames left, root is %s" %
                            (w, e["frames_after_unmap_all"], e.get("root_frames")))
    return not bad_min, not bad_root, bad_min + bad_root


def markdown(data, summary, formats, errors, command):
    ctx = data.get("context", {})
    reps = max((e["repetitions"] for e in summary.values()), default=0)
    lines = []
    lines.append("# ptgen run-time benchmarks")
    lines.append("")
    lines.append("`%s`" % command if command else "")
    lines.append("")
    lines.append("%s; %s CPUs at %s MHz, load average %s; region %s MiB, churn window %s GiB "
                 "(capped by the format's VA), %s pages kept mapped; frame pool on host "
                 "huge pages: %s; %d repetitions per benchmark. Times are CPU ns per page (the format's smallest: 4 KiB, 16 or "
                 "64 KiB for the AArch64 granules named so), median of the repetitions; "
                 "ratios are ratios of medians, with [low-high] from the spread (min/max)."
                 % (ctx.get("date", "?"), ctx.get("num_cpus", "?"), ctx.get("mhz_per_cpu", "?"),
                    ", ".join("%.2f" % x for x in ctx.get("load_avg", [])) or "?",
                    ctx.get("ptgen_size_mib", "?"), ctx.get("ptgen_window_gib", "?"),
                    ctx.get("ptgen_churn_pages", "?"),
                    {"1": "yes", "0": "no"}.get(ctx.get("ptgen_thp"), "no (before --ptgen_thp)"),
                    reps))
    lines.append("")
    lines.append("## Targets")
    lines.append("")
    head = ["format"] + ["%s (%s %gx)" % (t[0], t[3], t[4]) for t in TARGETS] + \
           ["frames = minimum", "root alone after unmap all"]
    lines.append("Ratios vs raw stores and vs the bare walk are paired: each iteration times the "
                 "operation and its reference back to back (counters x_raw, x_bare); "
                 "median of the repetitions [min-max]. In parentheses, the ratio of the medians "
                 "of the separate benchmarks (noisier).")
    lines.append("")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    verdicts = {}
    for fmt in formats:
        row = [fmt]
        for name, num, den, op, bound, counter in TARGETS:
            r, how = target_ratio(summary, fmt, num, den, counter)
            if r is None:
                row.append("n/a")
                continue
            ok = check(r["median"], op, bound)
            verdicts[(fmt, name)] = ok
            sep = ratio(summary, fmt, num, den) if how == "paired" else None
            row.append("%.2fx [%.2f-%.2f] %s%s" % (
                r["median"], r["low"], r["high"], "pass" if ok else "**MISS**",
                " (%.2fx)" % sep["median"] if sep else ""))
        min_ok, root_ok, _ = memory_checks(summary, fmt)
        verdicts[(fmt, "frames = minimum")] = min_ok
        verdicts[(fmt, "root alone")] = root_ok
        row.append("pass" if min_ok else "**MISS**")
        row.append("pass" if root_ok else "**MISS**")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Other ratios (no target): " + "; ".join(
        "%s: %s" % (label, ", ".join(
            "%s %.2fx" % (fmt, ratio(summary, fmt, num, den)["median"])
            for fmt in formats if ratio(summary, fmt, num, den)))
        for label, num, den in EXTRA_RATIOS) + ".")
    lines.append("")
    lines.append("## ns per page (median [min-max]; 4 KiB, or the format's granule)")
    lines.append("")
    lines.append("| workload | " + " | ".join(formats) + " |")
    lines.append("|---|" + "---|" * len(formats))
    for w, desc in WORKLOADS:
        cells = []
        for fmt in formats:
            e = summary.get((fmt, w))
            if not e or not e["ns_per_page"]:
                cells.append("")
                continue
            n = e["ns_per_page"]
            cells.append("%s [%s-%s]" % (fmt_ns(n["median"]), fmt_ns(n["min"]), fmt_ns(n["max"])))
        lines.append("| %s: %s | %s |" % (w, desc, " | ".join(cells)))
    lines.append("")
    lines.append("## Memory: frames used / minimum from the layout (tables)")
    lines.append("")
    lines.append("| workload | " + " | ".join(formats) + " |")
    lines.append("|---|" + "---|" * len(formats))
    for w, _ in WORKLOADS:
        cells = []
        for fmt in formats:
            e = summary.get((fmt, w))
            if not e or "frames" not in e:
                cells.append("")
                continue
            cells.append("%s / %s (%s / %s)%s" % (e["frames"], e["frames_min"], e["tables"],
                                                 e["tables_min"],
                                                 "" if e["frames"] == e["frames_min"] else " MISS"))
        lines.append("| %s | %s |" % (w, " | ".join(cells)))
    roots = ["%s: %s" % (fmt, summary[(fmt, "map_region_4k")].get("root_frames"))
             for fmt in formats if (fmt, "map_region_4k") in summary]
    left = sorted({str(e.get("frames_after_unmap_all")) + "/" + str(e.get("root_frames"))
                   for e in summary.values() if "frames_after_unmap_all" in e})
    lines.append("")
    lines.append("After unmapping everything (every workload): frames left / root frames = %s "
                 "(root frames per format: %s)." % (", ".join(left), ", ".join(roots)))
    if errors:
        lines.append("")
        lines.append("## Errors")
        lines.extend("- " + e for e in errors)
    missed = [k for k, ok in verdicts.items() if not ok]
    lines.append("")
    lines.append("%d of %d target checks met%s." % (
        len(verdicts) - len(missed), len(verdicts),
        "; missed: " + ", ".join("%s (%s)" % (n, f) for f, n in missed) if missed else ""))
    return "\n".join(lines) + "\n", missed


def png(summary, formats, out_dir):
    if not shutil.which("gnuplot"):
        print("gnuplot not found: no chart (benchmarks/run --png installs gnuplot-nox)")
        return None
    dat = os.path.join(out_dir, "ptgen_bench_ns_per_page.dat")
    shown = ["map_page_by_page", "map_region_4k", "map_linear_4k", "raw_store",
             "unmap_region_4k", "protect_region_4k", "query", "bare_walk"]
    with open(dat, "w") as f:
        f.write("format " + " ".join(shown) + "\n")
        for fmt in formats:
            vals = []
            for w in shown:
                e = summary.get((fmt, w))
                vals.append("%g" % e["ns_per_page"]["median"] if e and e["ns_per_page"] else "NaN")
            f.write(fmt + " " + " ".join(vals) + "\n")
    png_path = os.path.join(out_dir, "ptgen_bench.png")
    script = """
set terminal pngcairo size 1400,700 noenhanced
set output '%s'
set title 'ptgen: CPU ns per page (median; the format's smallest page), log scale'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'ns per page'
set key outside right
set xtics rotate by -20
plot for [c=2:%d] '%s' using c:xtic(1) title columnheader
""" % (png_path, len(shown) + 1, dat)
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("gnuplot failed: %s" % e)
        return None
    return png_path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json")
    ap.add_argument("--out", default=None, help="directory for results.md and summary.json")
    ap.add_argument("--command", default="", help="the command that produced the JSON")
    ap.add_argument("--png", action="store_true", help="draw a chart with gnuplot")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args()
    out_dir = args.out or os.path.dirname(os.path.abspath(args.json))
    os.makedirs(out_dir, exist_ok=True)

    data, runs, formats, errors = load(args.json)
    if not runs:
        print("no benchmark results in %s" % args.json, file=sys.stderr)
        return 1
    summary = summarize(runs)
    md, missed = markdown(data, summary, formats, errors, args.command)
    md_path = os.path.join(out_dir, "results.md")
    with open(md_path, "w") as f:
        f.write(md)
    targets = {}
    for fmt in formats:
        for name, num, den, op, bound, counter in TARGETS:
            r, how = target_ratio(summary, fmt, num, den, counter)
            if r:
                targets.setdefault(fmt, {})[name] = dict(
                    r, target="%s %g" % (op, bound), met=check(r["median"], op, bound),
                    measured=how, separate_runs=ratio(summary, fmt, num, den))
        min_ok, root_ok, notes = memory_checks(summary, fmt)
        targets.setdefault(fmt, {})["frames = minimum"] = {"met": min_ok}
        targets[fmt]["root alone after unmap all"] = {"met": root_ok, "notes": notes}
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump({
            "command": args.command,
            "context": data.get("context", {}),
            "targets": targets,
            "workloads": {"%s/%s" % k: v for k, v in sorted(summary.items())},
            "errors": errors,
        }, f, indent=2)
    print(md)
    if args.png:
        p = png(summary, formats, out_dir)
        if p:
            print("chart: %s" % p)
    print("report: %s" % md_path)
    if errors:
        return 1
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
