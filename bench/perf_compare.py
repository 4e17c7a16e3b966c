#!/usr/bin/env python3
"""Compares two builds in one interleaved run (scripts/perf-compare.sh builds them from git revisions).

Each round runs, for build A then B (B then A in every other round, as a run is coloured by the one
before it): the microbenchmarks once (wcs-kernels-bench, one repetition each) and wcstream in file mode
with 1 and 2 threads. For every benchmark both builds have, it prints the median time of each and the
ratio A/B of each round: its median and its spread (min-max). A ratio above 1 means B is faster; a
spread that straddles 1 means the machine's noise is larger than the difference.

    perf_compare.py --a BUILD_A --b BUILD_B --corpus corpus/kjv.txt --rounds 5
"""
import argparse
import json
import os
import statistics
import subprocess
import time


def kernels(build, corpus, min_time, filt):
    """{benchmark: real time in ms} from one run of the build's microbenchmarks."""
    cmd = [os.path.join(build, "bench", "wcs-kernels-bench"), "--benchmark_format=json", "--benchmark_min_time=%g" % min_time]
    if filt:
        cmd.append("--benchmark_filter=" + filt)
    out = subprocess.run(cmd, env=dict(os.environ, WCS_BENCH_CORPUS=corpus), check=True, capture_output=True, text=True).stdout
    to_ms = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    return {b["name"]: b["real_time"] * to_ms[b["time_unit"]] for b in json.loads(out)["benchmarks"]}


def end_to_end(build, corpus, threads):
    """{name: wall ms} of one wcstream --file run per thread count."""
    times = {}
    for t in threads:
        start = time.perf_counter()
        subprocess.run([os.path.join(build, "host", "cli", "wcstream"), "--file", corpus, "--batch-lines", "100000",
                        "--threads", str(t)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times["wcstream --file, %d thread(s)" % t] = 1000 * (time.perf_counter() - start)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="build directory A")
    ap.add_argument("--b", required=True, help="build directory B")
    ap.add_argument("--label-a", default="A")
    ap.add_argument("--label-b", default="B")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--min-time", type=float, default=0.1, help="Google Benchmark's --benchmark_min_time per benchmark")
    ap.add_argument("--filter", default="", help="Google Benchmark's --benchmark_filter (regex)")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]

    times = {"a": {}, "b": {}}  # side -> benchmark -> [ms per round]
    for round_ in range(args.rounds):
        for side in ("a", "b") if round_ % 2 == 0 else ("b", "a"):
            build = getattr(args, side)
            got = kernels(build, args.corpus, args.min_time, args.filter)
            got.update(end_to_end(build, args.corpus, threads))
            for name, ms in got.items():
                times[side].setdefault(name, []).append(ms)
        print("perf-compare: round %d of %d done" % (round_ + 1, args.rounds), flush=True)

    print("\n%s = %s\n%s = %s\ncorpus %s, %d rounds, interleaved; ratio = time A / time B per round (> 1: B faster)\n" % (
        args.label_a, args.a, args.label_b, args.b, args.corpus, args.rounds))
    print("%-42s %12s %12s %8s %17s" % ("benchmark", "A median ms", "B median ms", "ratio", "spread (min-max)"))
    for name in times["a"]:
        if name not in times["b"]:
            print("%-42s only in A" % name)
            continue
        a, b = times["a"][name], times["b"][name]
        ratios = [x / y for x, y in zip(a, b)]
        print("%-42s %12.3f %12.3f %8.3f %8.3f-%-8.3f" % (name, statistics.median(a), statistics.median(b),
                                                         statistics.median(ratios), min(ratios), max(ratios)))
    for name in times["b"]:
        if name not in times["a"]:
            print("%-42s only in B" % name)


if __name__ == "__main__":
    main()
