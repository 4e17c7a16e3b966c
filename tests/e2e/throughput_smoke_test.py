"""bench/throughput.py end to end on a small synthetic review corpus: it runs every mode, the build
compared with itself and the live view against --no-ui, with the corpus dropped from the page cache
first (--recache); it checks the engine's counts against its baseline, and reads the engine's batch log,
the page-cache report and the live view's cost.
Its figures are not checked (timings are the benchmark's business, not a test's); that it prints them is.

Usage: throughput_smoke_test.py BUILD_DIR"""
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    build = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "reviews.json")
        subprocess.run([sys.executable, os.path.join(TOP, "scripts", "gen_reviews.py"), "--lines", "600", "--seed", "3",
                        "--out", corpus], check=True)
        # 600 reviews in batches of 150 lines: several batches in each mode, so the rows of the
        # batches after the first are printed too.
        out = subprocess.run([sys.executable, os.path.join(TOP, "bench", "throughput.py"), "--build", build, "--corpus", corpus,
                              "--runs", "1", "--batch-lines", "150", "--threads", "1,2", "--repeat", "2", "--compare", build, "--recache", "--ui"],
                             capture_output=True, text=True)
        print(out.stdout, out.stderr)
        assert out.returncode == 0, "throughput.py failed"
        # The page cache's share of 2 MiB folios is reported (its value depends on the file system).
        assert re.search(r"^corpus .*, \d+% in 2 MiB folios; ", out.stdout, re.M), "no page-cache report"
        rate = r"\s+(\d+) lines/s\s+[0-9.]+ MB/s"
        for what in ("wc -w", "reference \\(unordered_map\\)", "wcstream file", "wcstream socket"):
            assert re.search(r"^%s\s" % what, out.stdout, re.M), "no row for " + what
        for what in ("wcstream file", "wcstream socket"):
            for threads in ("1", "2"):
                m = re.search(r"^  %s\s+%s%s" % (what, threads, rate), out.stdout, re.M)
                assert m and int(m.group(1)) > 0, "no rate of the batches after the first for %s, %s threads" % (what, threads)
            assert re.search(r"^  scaling %s\s+2 threads / 1 thread: [0-9.]+x" % what, out.stdout, re.M), "no scaling for " + what
            # 600 lines in batches of 150: 4 batches in file mode, 8 in socket mode (the corpus sent twice).
            batches = r"batches [0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+" + (", then 4 more: median [0-9.]+" if what.endswith("socket") else "")
            assert re.search(r"^  %s\s+2\s+%s; rest -?[0-9.]+$" % (what, batches), out.stdout, re.M), "no parts of a run for " + what
        for threads in ("1", "2"):
            assert re.search(r"^%s against %s, %s threads: [0-9.]+ against [0-9.]+ ms, [0-9.]+x$" % (re.escape(build), re.escape(build), threads),
                             out.stdout, re.M), "no comparison with --compare for %s threads" % threads
        for mode in ("file", "socket"):
            for threads in ("1", "2"):
                cost = r"[+-][0-9.]+%% %s \(95%% CI [+-][0-9.]+\.\.[+-][0-9.]+%%\)"
                assert re.search(r"^UI cost, %s, %s threads: %s, %s, ([+-][0-9.]+%% instructions \([0-9.,]+ against [0-9.,]+ M, "
                                 r"1 thread\)|instructions not counted)" % (mode, threads, cost % "wall", cost % "CPU"),
                                 out.stdout, re.M), "no UI cost for %s, %s threads" % (mode, threads)
    print("ok")


if __name__ == "__main__":
    main()
