#!/usr/bin/env python3
"""The time-based performance report (scripts/perf-report.sh): microbenchmarks and end-to-end runs,
with `wc -w` and the textbook counter measured in the same run, written as results.json, results.md
and PNG plots in --out. docs/perf.md says how to read them.

End to end (bench/throughput.py): KJV, the synthetic reviews and the long-tail reviews of
scripts/make-corpus.sh in file and socket mode with 1 and 2 threads; then two sweeps made from KJV,
in file mode: line length (1, 4 and 16 verses a line) and distinct words (each word suffixed with its
position modulo 1, 8 or 64, so the vocabulary grows while the text keeps its shape).
Microbenchmarks (wcs-kernels-bench, Google Benchmark) on KJV, medians of the repetitions.
--quick: fewer runs and repetitions, sweeps and microbenchmarks on the first 8 MB of KJV.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def log(msg):
    print("perf-report: " + msg, flush=True)


def throughput(build, corpus, out, runs, modes, batch_lines=100000):
    """Runs bench/throughput.py (1 and 2 threads); returns its JSON."""
    cmd = [sys.executable, os.path.join(HERE, "throughput.py"), "--build", build, "--corpus", corpus, "--runs", str(runs),
           "--modes", modes, "--threads", "1,2", "--batch-lines", str(batch_lines), "--json", out]
    log("throughput.py on %s (%s)" % (os.path.basename(corpus), modes))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def microbenchmarks(build, corpus, out, repetitions, min_time):
    """Runs wcs-kernels-bench on corpus; returns one row per benchmark (medians over repetitions)."""
    log("microbenchmarks (%d repetitions)" % repetitions)
    env = dict(os.environ, WCS_BENCH_CORPUS=corpus)
    subprocess.run([os.path.join(build, "bench", "wcs-kernels-bench"), "--benchmark_repetitions=%d" % repetitions,
                    "--benchmark_min_time=%g" % min_time, "--benchmark_out=" + out, "--benchmark_out_format=json"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        raw = json.load(f)
    return micro_rows(raw["benchmarks"])


def micro_rows(benchmarks):
    """Google Benchmark's iterations grouped by name: median time (ms) and rates, and the spread."""
    runs = {}
    for b in benchmarks:
        if b.get("run_type", "iteration") == "iteration":
            runs.setdefault(b["run_name"], []).append(b)
    to_ms = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    rows = []
    # Google Benchmark's rates are per CPU second unless a benchmark uses real time; on a shared machine
    # wall time is what a user waits, so rates are recomputed per real second.
    def real(b, rate):
        return b.get(rate, 0) * (1 if b["run_name"].endswith("/real_time") else b["cpu_time"] / b["real_time"])

    for name, bs in runs.items():
        times = [b["real_time"] * to_ms[b["time_unit"]] for b in bs]
        rows.append({"name": name, "median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times),
                     "repetitions": len(bs),
                     "bytes_per_s": statistics.median(real(b, "bytes_per_second") for b in bs) or None,
                     "items_per_s": statistics.median(real(b, "items_per_second") for b in bs) or None})
    return rows


def first_bytes(src, dst, limit):
    """The first `limit` bytes of src, cut after a line end (all of it when limit is None)."""
    with open(src, "rb") as f:
        data = f.read() if limit is None else f.read(limit)
    if limit is not None:
        data = data[: data.rfind(b"\n") + 1]
    return data


def write_once(path, data):
    if not os.path.exists(path) or os.path.getsize(path) != len(data):
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
    return path


def sweeps(kjv, work, limit):
    """The sweep corpora made from KJV: {'line length': [(label, x, path)], 'distinct words': [...]}"""
    lines = first_bytes(kjv, None, limit).split(b"\n")[:-1]
    made = {"line length": [], "distinct words": []}
    for per_line in (1, 4, 16):
        text = b"".join(b" ".join(lines[i:i + per_line]) + b"\n" for i in range(0, len(lines), per_line))
        path = write_once(os.path.join(work, "kjv-%d-verses.txt" % per_line), text)
        made["line length"].append(("KJV, %d verse%s a line" % (per_line, "" if per_line == 1 else "s"), len(text) / text.count(b"\n"), path))
    for modulo in (1, 8, 64):
        out, position = [], 0
        for line in lines:
            words = line.split()
            out.append(b" ".join(b"%s%d" % (w, (position + i) % modulo) if modulo > 1 else w for i, w in enumerate(words)))
            position += len(words)
        text = b"\n".join(out) + b"\n"
        path = write_once(os.path.join(work, "kjv-vocab-x%d.txt" % modulo), text)
        made["distinct words"].append(("KJV, words suffixed mod %d" % modulo, None, path))
    return made


def row(result, what, threads):
    for r in result["rows"]:
        if r["what"] == what and r["threads"] == threads:
            return r
    return None


def write_markdown(path, report):
    out = ["# wcstream performance report", "",
           "Machine: %s, %d cores. %s mode. Medians of %d runs per figure; `wc -w` and the textbook counter "
           "(`x wc -w`, `x textbook`: how many times faster wcstream is) in the same run. See docs/perf.md." % (
               report["machine"]["cpu"], report["machine"]["cores"], report["mode"], report["runs"]), "",
           "## End to end", "",
           "| corpus | MB | distinct words | what | threads | lines/s | MB/s | x wc -w | x textbook | later batches lines/s |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for group in ("corpora", "batch times", "line length", "distinct words"):
        for entry in report["end_to_end"][group]:
            res = entry["result"]
            for r in res["rows"]:
                if not r["what"].startswith("wcstream"):
                    continue
                later = r["later_batches_lines_per_s"]
                out.append("| %s | %.1f | %s | %s | %s | %s | %.0f | %.2f | %.2f | %s |" % (
                    entry["label"], res["bytes"] / 1e6, "{:,}".format(res["distinct"]), r["what"][len("wcstream "):],
                    r["threads"], "%.2f M" % (r["lines_per_s"] / 1e6), r["mb_per_s"], r["x_wc"], r["x_reference"],
                    "%.2f M" % (later / 1e6) if later else ""))
    out += ["", "## Microbenchmarks (KJV%s)" % (", first 8 MB" if report["mode"] == "quick" else ""), "",
            "| benchmark | median ms | min-max ms | MB/s | items/s |", "|---|---|---|---|---|"]
    for m in report["microbenchmarks"]:
        out.append("| %s | %.3f | %.3f-%.3f | %s | %s |" % (
            m["name"], m["median_ms"], m["min_ms"], m["max_ms"],
            "%.0f" % (m["bytes_per_s"] / 1e6) if m["bytes_per_s"] else "",
            "%.2f M" % (m["items_per_s"] / 1e6) if m["items_per_s"] else ""))
    out += ["", "Plots: throughput_threads.png, throughput_line_length.png, throughput_distinct.png, batch_times.png."]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def plot(report, out_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    def save(fig, name):
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, name), dpi=110)
        plt.close(fig)

    # Throughput against threads: one panel per corpus, file and socket mode, the baselines flat.
    corpora = report["end_to_end"]["corpora"]
    fig, axes = plt.subplots(1, len(corpora), figsize=(4 * len(corpora), 4.2), squeeze=False)
    for ax, entry in zip(axes[0], corpora):
        res = entry["result"]
        for what, style in (("wcstream file", "-o"), ("wcstream socket", "--s")):
            pts = sorted((int(r["threads"]), r["mb_per_s"]) for r in res["rows"] if r["what"] == what)
            if pts:
                ax.plot(*zip(*pts), style, label=what)
        for what, threads, label, color in (("wc -w", "-", "wc -w", "C2"), ("reference (unordered_map)", "1", "textbook counter", "C3")):
            ax.axhline(res["bytes"] / row(res, what, threads)["median_s"] / 1e6, color=color, linestyle=":", label=label)
        ax.set(xlabel="engine threads", ylabel="MB/s (median)", ylim=(0, None),
               title="%s (%.0f MB, %s distinct)" % (entry["label"], res["bytes"] / 1e6, "{:,}".format(res["distinct"])))
        ax.set_xticks([1, 2])
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    save(fig, "throughput_threads.png")

    # The two sweeps: MB/s (file mode) against mean line length and against distinct words.
    for group, name, xlabel, xfield in (("line length", "throughput_line_length.png", "mean line length (bytes)", "line"),
                                        ("distinct words", "throughput_distinct.png", "distinct words", "distinct")):
        fig, ax = plt.subplots(figsize=(7, 4.5))
        entries = report["end_to_end"][group]
        xs = [e["result"]["bytes"] / e["result"]["lines"] if xfield == "line" else e["result"]["distinct"] for e in entries]
        threads = sorted({r["threads"] for e in entries for r in e["result"]["rows"] if r["what"] == "wcstream file"})
        for t in threads:
            ax.plot(xs, [row(e["result"], "wcstream file", t)["mb_per_s"] for e in entries], "-o", label="wcstream, %s thread%s" % (t, "" if t == "1" else "s"))
        for what, label in (("wc -w", "wc -w"), ("reference (unordered_map)", "textbook counter")):
            ax.plot(xs, [e["result"]["bytes"] / row(e["result"], what, "-" if what == "wc -w" else "1")["median_s"] / 1e6
                         for e in entries], ":x", label=label)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: "{:,.0f}".format(v)))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xticks(xs)
        ax.set(xlabel=xlabel + " (log scale)", ylabel="MB/s (median)", title="File mode against %s (KJV-based)" % group,
               ylim=(0, None))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        save(fig, name)

    # Per-batch processing time over a run (engine's batch log), every run of KJV file mode.
    fig, ax = plt.subplots(figsize=(7, 4.5))
    kjv = report["end_to_end"]["batch times"][0]
    for r in kjv["result"]["rows"]:
        if r["what"] != "wcstream file":
            continue
        for i, batches in enumerate(r["batch_ms"]):
            ax.plot(range(1, len(batches) + 1), batches, "-", alpha=0.6, color="C%d" % (int(r["threads"]) - 1),
                    label="%s thread%s" % (r["threads"], "" if r["threads"] == "1" else "s") if i == 0 else None)
    ax.set(xlabel="batch (%d lines each)" % kjv["result"]["batch_lines"], ylabel="processing time (ms)",
           title="%s, file mode: each batch's processing time, every run" % kjv["label"])
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, "batch_times.png")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--corpus-dir", default=os.path.join(TOP, "corpus"))
    ap.add_argument("--out", default=None, help="default: BUILD/perf-report")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    out = args.out or os.path.join(args.build, "perf-report")
    os.makedirs(out, exist_ok=True)
    raw = os.path.join(out, "raw")
    os.makedirs(raw, exist_ok=True)
    runs = 3 if args.quick else 7
    start = time.monotonic()

    kjv = os.path.join(args.corpus_dir, "kjv.txt")
    corpora = [("KJV", kjv), ("reviews", os.path.join(args.corpus_dir, "reviews.json")),
               ("long-tail reviews", os.path.join(args.corpus_dir, "longtail.json"))]
    report = {"mode": "quick" if args.quick else "full", "runs": runs, "end_to_end": {"corpora": []}}
    for label, path in corpora:
        res = throughput(args.build, path, os.path.join(raw, label.replace(" ", "_") + ".json"), runs, "file,socket")
        report["end_to_end"]["corpora"].append({"label": label, "result": res})
    report["machine"] = report["end_to_end"]["corpora"][0]["result"]["machine"]
    # Small batches, so the batch-time plot shows a run's course: 31 batches of KJV.
    res = throughput(args.build, kjv, os.path.join(raw, "KJV_10000_lines.json"), runs, "file", batch_lines=10000)
    report["end_to_end"]["batch times"] = [{"label": "KJV, 10,000-line batches", "result": res}]
    sweep_dir = os.path.join(args.corpus_dir, "sweep")
    os.makedirs(sweep_dir, exist_ok=True)
    made = sweeps(kjv, sweep_dir, 8 << 20 if args.quick else None)
    for group, entries in made.items():
        report["end_to_end"][group] = []
        for label, _, path in entries:
            res = throughput(args.build, path, os.path.join(raw, os.path.basename(path) + ".json"), runs, "file")
            report["end_to_end"][group].append({"label": label, "result": res})
    # KJV as the sweeps have it (--quick: its first 8 MB), one verse a line.
    micro_corpus = made["line length"][0][2]
    report["microbenchmarks"] = microbenchmarks(args.build, micro_corpus, os.path.join(raw, "kernels_bench.json"),
                                                3 if args.quick else 7, 0.05 if args.quick else 0.5)

    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(report, f, indent=1)
    write_markdown(os.path.join(out, "results.md"), report)
    plot(report, out)
    log("wrote results.json, results.md and 4 plots in %s (%.0f s)" % (out, time.monotonic() - start))


if __name__ == "__main__":
    main()
