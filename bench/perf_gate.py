#!/usr/bin/env python3
"""The instruction-count gate: fixed workloads under Callgrind, compared with a committed baseline.

Each workload of bench/perf_workloads.cpp runs on the corpus that program writes (deterministic),
with one thread and the instruction set forced (WCS_SIMD), and only its own work counted (Callgrind
client requests); the end-to-end workload is one whole `wcstream --file` run with one thread, and
start_and_exit the same process on a one-line file. Counts
of instructions, unlike times, repeat on a noisy shared machine. A workload that costs more than the
tolerance above its baseline fails the gate; one that costs less than the tolerance below it is
reported, so the baseline can be lowered (--update rewrites it: review its diff).

    perf_gate.py --build build                 compare with bench/baseline/callgrind.json
    perf_gate.py --build build --update        rewrite the baseline with this tree's counts (those that moved)
    perf_gate.py --build build --runs 2        run each workload twice and check the counts repeat
Exit codes: 0 pass, 1 a workload costs more than the tolerance, 77 cannot run here (no Valgrind or no AVX2).
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BASELINE = os.path.join(HERE, "baseline", "callgrind.json")
DRIVER_WORKLOADS = ["tokenize", "local_aggregate", "merge_first_batch", "merge_later_batch", "state_update", "window_update"]
END_TO_END = "end_to_end_file"
START_EXIT = "start_and_exit"
# The instruction set every count is made with: the engine's fastest kernel, and the widest Valgrind runs.
SIMD = "avx2"
CPU_FLAGS = {"avx2", "bmi1", "bmi2", "popcnt"}
SKIP = 77


def cpu_has(flags):
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return flags <= set(line.split(":", 1)[1].split())
    return False


def callgrind(cmd, out_dir, name, counted_only):
    """Runs cmd under Callgrind; returns the instructions it counted (only between the client requests
    when counted_only)."""
    out = os.path.join(out_dir, name + ".callgrind")
    env = dict(os.environ, WCS_SIMD=SIMD)
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out]
    if counted_only:
        vg.append("--instr-atstart=no")
    proc = subprocess.run(vg + cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit("perf-gate: %s failed (%d):\n%s" % (name, proc.returncode, proc.stderr[-3000:]))
    # "totals:" (the file's last line) is the sum of every cost line; "summary:" can be 0 when
    # instrumentation starts after the first dump point.
    with open(out) as f:
        for line in f:
            m = re.match(r"totals: (\d+)", line)
            if m:
                return int(m.group(1))
    raise SystemExit("perf-gate: no instruction count in " + out)


def measure(build, work, runs):
    """{workload: [count per run]}."""
    driver = os.path.join(build, "bench", "wcs-perf-workloads")
    wcstream = os.path.join(build, "host", "cli", "wcstream")
    for binary in (driver, wcstream):
        if not os.access(binary, os.X_OK):
            raise SystemExit("perf-gate: %s not built" % binary)
    corpus = os.path.join(work, "corpus.txt")
    subprocess.run([driver, "corpus", corpus], check=True)
    one_line = os.path.join(work, "one_line.txt")
    with open(one_line, "w") as f:
        f.write("start\n")
    jobs = {name: ([driver, name, corpus], True) for name in DRIVER_WORKLOADS}
    # Stateless, one thread, fixed batch times: the whole process (start, ingest, engine, output, exit);
    # and the same on one line, its start and exit alone (loading libraries, static initialisers), so a
    # change there is told apart from one in the stream's work. The live view is on, on any free port: its
    # cost is counted, and runs in parallel never log a busy 4040.
    wcstream_file = [wcstream, "--batch-lines", "5000", "--threads", "1", "--backend", "cpu", "--start-ms", "1000000000000",
                     "--ui-port", "0", "--log-level", "warn", "--file"]
    jobs[END_TO_END] = (wcstream_file + [corpus], False)
    jobs[START_EXIT] = (wcstream_file + [one_line], False)
    counts = {name: [] for name in jobs}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {pool.submit(callgrind, cmd, work, "%s.%d" % (name, run), counted_only): name
                   for run in range(runs) for name, (cmd, counted_only) in jobs.items()}
        for future in futures:
            counts[futures[future]].append(future.result())
    return counts


def spread(values):
    return (max(values) - min(values)) / min(values) if min(values) else 0.0


def print_table(rows):
    print("%-20s %15s %15s %9s  %s" % ("workload", "baseline", "now", "change", ""))
    for name, base, now, verdict in rows:
        change = "%+8.2f%%" % (100.0 * (now - base) / base) if base else "     new"
        print("%-20s %15s %15s %9s  %s" % (name, "{:,}".format(base) if base else "-", "{:,}".format(now), change, verdict))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("--update", action="store_true", help="rewrite the baseline with this tree's counts")
    ap.add_argument("--runs", type=int, default=1, help="runs per workload; with 2 or more, counts must repeat within 0.1%%")
    ap.add_argument("--tolerance", type=float, default=0.05)
    args = ap.parse_args()

    if shutil.which("valgrind") is None:
        print("perf-gate: SKIPPED, valgrind not installed (scripts/install-deps.sh installs it)")
        return SKIP
    if not cpu_has(CPU_FLAGS):
        print("perf-gate: SKIPPED, the baseline is counted with %s and this CPU lacks %s" % (SIMD, " ".join(sorted(CPU_FLAGS))))
        return SKIP
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wcs-perf-gate.") as work:
        counts = measure(args.build, work, args.runs)
    now = {name: min(v) for name, v in counts.items()}
    failed = False
    if args.runs > 1:
        for name, v in counts.items():
            print("%-20s %d runs: %s (spread %.4f%%)" % (name, len(v), " ".join("{:,}".format(c) for c in v), 100 * spread(v)))
            failed |= spread(v) > 0.001
        if failed:
            print("perf-gate: FAILED, a count moved more than 0.1% between runs of the same tree")

    if args.update:
        # A count within 0.1% of its baseline keeps it, so the diff shows only workloads whose cost moved.
        if os.path.exists(args.baseline):
            with open(args.baseline) as f:
                old = json.load(f)["instructions"]
            now = {name: old[name] if name in old and abs(c - old[name]) <= 0.001 * old[name] else c for name, c in now.items()}
        with open(args.baseline, "w") as f:
            json.dump({"about": "Instructions counted by scripts/perf-gate.sh (Callgrind, WCS_SIMD=%s, one thread); "
                                "rewritten by scripts/perf-gate.sh --update" % SIMD,
                       "simd": SIMD, "instructions": dict(sorted(now.items()))}, f, indent=2)
            f.write("\n")
        print_table([(name, 0, c, "") for name, c in sorted(now.items())])
        print("perf-gate: baseline written to %s (%.0f s)" % (os.path.relpath(args.baseline, TOP), time.monotonic() - start))
        return 1 if failed else 0

    with open(args.baseline) as f:
        baseline = json.load(f)["instructions"]
    rows = []
    slower, faster = [], []
    for name in sorted(set(now) | set(baseline)):
        base, c = baseline.get(name, 0), now.get(name)
        if c is None:
            rows.append((name, base, 0, "no longer measured: run --update"))
            continue
        change = (c - base) / base if base else 0.0
        verdict = ""
        if not base:
            verdict = "no baseline: run --update"
        elif change > args.tolerance:
            verdict = "SLOWER (more than %+.0f%%)" % (100 * args.tolerance)
            slower.append(name)
        elif change < -args.tolerance:
            verdict = "faster: lower the baseline (--update)"
            faster.append(name)
        rows.append((name, base, c, verdict))
    print_table(rows)
    took = time.monotonic() - start
    if slower:
        print("perf-gate: FAILED in %.0f s: %s cost more than %.0f%% above the baseline (%s)" % (
            took, ", ".join(slower), 100 * args.tolerance, os.path.relpath(args.baseline, TOP)))
        print("perf-gate: if the cost is intended, run scripts/perf-gate.sh --update and commit the baseline with the reason")
        return 1
    if failed:
        return 1
    print("perf-gate: passed in %.0f s (%d workloads, tolerance %.0f%%)%s" % (
        took, len(now), 100 * args.tolerance, "; %s cheaper than the baseline" % ", ".join(faster) if faster else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
