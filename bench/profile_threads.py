#!/usr/bin/env python3
"""Where the CPU time of a file-mode run goes, by function, with 1 thread and with 2: the profile behind
the scaling figures (docs/performance.md, "CPU by function, 1 against 2 threads").

Each run is sampled with `perf record -e cpu-clock` (a software event: this works in VMs where hardware
counters do not); the table gives milliseconds of CPU per run for each function, the mean over the
runs, for each thread count and the difference. Sampling slows the runs by roughly a fifth, so compare
the columns with each other, not with the benchmark's wall times.
Example: python3 bench/profile_threads.py --build build --corpus corpus/kjv.txt --runs 12
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

SAMPLE_HZ = 10000
ROW = re.compile(r"^\s*(\d+)\s+(\S.*)$")


def profile(cmd, runs, workdir, tag):
    """Mean ms of CPU per run and function over `runs` sampled runs of cmd."""
    total = collections.Counter()
    for r in range(runs):
        data = os.path.join(workdir, "%s-%d.data" % (tag, r))
        subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(SAMPLE_HZ), "-o", data, "--"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        report = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,sym",
                                 "-F", "sample,dso,sym", "-g", "none"],
                                capture_output=True, text=True, check=True).stdout
        for line in report.splitlines():
            m = ROW.match(line)  # header lines start with '#', so they never match
            if m:
                total[m.group(2).strip()] += int(m.group(1))
    return {name: samples * 1000.0 / SAMPLE_HZ / runs for name, samples in total.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpus", default="corpus/kjv.txt")
    ap.add_argument("--runs", type=int, default=12)
    ap.add_argument("--batch-lines", type=int, default=100000)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    if shutil.which("perf") is None:
        sys.exit("perf not found (Debian: apt-get install linux-perf)")
    engine = os.path.join(args.build, "host", "cli", "wcstream")
    with tempfile.TemporaryDirectory() as workdir:
        by_threads = {}
        for t in (1, 2):
            cmd = [engine, "--file", args.corpus, "--batch-lines", str(args.batch_lines), "--threads", str(t)]
            by_threads[t] = profile(cmd, args.runs, workdir, "t%d" % t)
    one, two = by_threads[1], by_threads[2]
    names = sorted(set(one) | set(two), key=lambda n: -max(one.get(n, 0), two.get(n, 0)))
    print("ms of CPU per run under perf (%d runs each, %s)" % (args.runs, args.corpus))
    print("%9s %9s %9s  function" % ("1 thread", "2 threads", "2 - 1"))
    rows = [("(all)", sum(one.values()), sum(two.values()))]
    rows += [(n[:110], one.get(n, 0.0), two.get(n, 0.0)) for n in names[:args.top]]
    for name, a, b in rows:
        print("%9.1f %9.1f %+9.1f  %s" % (a, b, b - a, name))


if __name__ == "__main__":
    main()
