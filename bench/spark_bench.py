#!/usr/bin/env python3
"""The tutorial's word count as a PySpark job, with Python lambdas against wcstream.spark.word_counts.

Textbook: lines.flatMap(lambda l: l.split()).map(lambda w: (w, 1)).reduceByKey(add)
Native:   wcstream.spark.word_counts(lines): each partition's lines counted by the engine as the
          worker reads them, then the partitions' counts summed by word.
DataFrame: wcstream.spark.word_counts_df(spark.read.text(file)) (as many partitions), then
          collected the same way.
All read the same text file (textFile, not cached) and collect their (word, count) pairs, which must
be identical. Runs are interleaved (textbook, native, DataFrame, textbook, ...) after one unmeasured
warm-up run of each; the table has medians of the wall time, input records (lines) per second and
the ratios to the textbook's time. `wc -w` on the same file is timed in the same run, as the floor of
one core's plain scan.

Needs the package and PySpark (bash scripts/install-python-deps.sh, then pip install .); run with the
venv's python, e.g.:
  build/python-venv/bin/python bench/spark_bench.py --corpus corpus/kjv.txt --corpus corpus/reviews.json
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from operator import add


def textbook(lines):
    return lines.flatMap(lambda line: line.split()).map(lambda word: (word, 1)).reduceByKey(add)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", required=True, help="text file (repeatable)")
    parser.add_argument("--master", default="local-cluster[2,1,1024]")
    parser.add_argument("--partitions", type=int, default=4, help="input partitions (textFile minPartitions; the DataFrame reader splits the file as many ways)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from wcstream.spark import word_counts, word_counts_df

    spark = (
        SparkSession.builder.master(args.master)
        .appName("wcstream-spark-bench")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.memory", "512m")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(f"master {args.master}, {args.partitions} partitions, medians of {args.runs} runs")
    print(
        "| input | lines | MB | `wc -w` s | textbook s | word_counts s | word_counts_df s | textbook lines/s "
        "| word_counts lines/s | ratio | DataFrame ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for path in args.corpus:
        with open(path, "rb") as f:
            lines_in = sum(1 for _ in f)
        megabytes = os.path.getsize(path) / 1e6
        lines = spark.sparkContext.textFile(path, minPartitions=args.partitions)
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(-(-os.path.getsize(path) // args.partitions)))
        frame = spark.read.text(path)
        programs = {
            "textbook": lambda: dict(textbook(lines).collect()),
            "native": lambda: dict(word_counts(lines).collect()),
            "frame": lambda: {row.word: row["count"] for row in word_counts_df(frame).collect()},
        }
        results = {name: run() for name, run in programs.items()}  # warm-up: JVMs, Python workers, page cache
        for name in ("native", "frame"):
            if results[name] != results["textbook"]:
                sys.exit(f"spark_bench: {path}: {name} differs from the textbook pipeline")
        times = {"wc": [], "textbook": [], "native": [], "frame": []}
        for _ in range(args.runs):
            times["wc"].append(timed(lambda: subprocess.run(["wc", "-w", path], check=True, capture_output=True))[0])
            for name, run in programs.items():
                seconds, result = timed(run)
                if result != results["textbook"]:
                    sys.exit(f"spark_bench: {path}: {name} changed its result between runs")
                times[name].append(seconds)
        med = {name: statistics.median(t) for name, t in times.items()}
        print(
            f"| {os.path.basename(path)} | {lines_in:,} | {megabytes:.1f} | {med['wc']:.3f} | {med['textbook']:.2f} | "
            f"{med['native']:.2f} | {med['frame']:.2f} | {lines_in / med['textbook'] / 1e6:.3f} M | "
            f"{lines_in / med['native'] / 1e6:.3f} M | {med['textbook'] / med['native']:.1f}x | "
            f"{med['textbook'] / med['frame']:.1f}x |",
            flush=True,
        )
    spark.stop()


if __name__ == "__main__":
    main()
