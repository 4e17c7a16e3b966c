#!/usr/bin/env python3
"""End-to-end throughput of wcstream, with its baselines measured in the same run.

File mode:   wcstream --file CORPUS --batch-lines N --threads T
Socket mode: wcs-replay --plain --delay 0 --repeat R  ->  wcstream --port P --batch-lines N --threads T (loopback)
Baselines:   `wc -w CORPUS` and wcs-reference-count (one thread, std::unordered_map).
--pin:       file mode again with T threads confined to T CPUs, so the ingest thread shares them too.
Batches after the first: the engine's own batch log (lines and processing time of each batch, as
             Spark's streaming UI reports them) summed over every batch but the first, so the rate a
             running stream keeps, without process start, warm-up and the first batch's new words.
A run's parts: each batch's processing time from the same log, and the rest of the wall time (process
             start and exit, waiting for input), medians over the runs: where a short run's time goes.
--compare B: file mode also runs build B's wcstream in the same rounds (an old build, say), and prints
             how much faster --build's runs are: an old-against-new comparison on one noisy machine.
Page cache: the share of the engine's input the kernel caches in 2 MiB folios is printed with the corpus,
             as it moves the engine's time: mapping a file cached in small folios costs about 3 ms more
             CPU per 41 MB (2 threads on KJV: about 3 ms more wall time too). A file written in small
             pieces (cat writes 128 KiB) stays in small folios until evicted; one read back from disk or
             written in large pieces (make-corpus.sh) is in 2 MiB ones.
--wal:       socket mode runs the tutorial's stateful program with a checkpoint (every batch, as with
             10 s batches), once with its write-ahead log (the default) and once with --no-wal,
             interleaved: the log's cost in wall and CPU time. At full loopback speed the log is bound
             by the disk's durable write bandwidth, measured in the same rounds (dd ... conv=fdatasync
             into the checkpoints' file system) and printed with it.
--ui:        file and socket mode run once with the live view (the default) and once with --no-ui in
             each round: the view's cost as the median of the rounds' paired ratios (UI run / --no-ui
             run) with a bootstrap 95% confidence interval, in wall and CPU time, and in instructions
             (Callgrind, one thread, the corpus sent once: exact where times are noisy). A stream the
             view watches is a long one: socket mode with a large --repeat (say 7: KJV sent seven times
             over loopback) weighs the per-batch cost more than process start.
--rate R:    socket mode at the tutorial's settings: the server sends R lines/s (wcs-replay --rate) and
             the engine cuts batches by time (--batch, 10 s as the tutorial) instead of by line count.
             Wall time is then the stream's; the figures are CPU per line and each batch's processing
             time and scheduling delay (the engine's batch log). With --wal: the log's cost at a rate the
             deployment sustains, e.g. --wal --rate 300000 --repeat 30 --batch 10 (KJV: 31 s a run), and a
             third variant, --no-wal beside a disk writer: this script writing the stream's bytes per second
             to the same file system (O_DIRECT, 1 MiB at a time, fdatasync every batch), which splits the
             log's cost into the disk's (what any process writing that much costs the engine on this
             machine) and the log's own (WAL against that variant); each as the median of the rounds'
             paired ratios with a bootstrap 95% confidence interval. The counting threads' CPU varies
             from run to run by more than the log costs, so the log's own work is also measured where
             it runs: the receiver's thread and the log's sync thread, whose CPU the engine reports at
             exit; their extra CPU with the log, as a share of the process's CPU without it.
--recache:   drops the engine's input from the page cache first, so it is read back as from disk.
--warmup:    each measured file-mode or baseline run follows an unmeasured run of the same command, so
             each is measured in its own steady state. On the documented VM a run is slower right after
             one that used less memory (KJV cached in 2 MiB folios, 2 threads: 39 ms after a 1-thread
             run, 31 ms after a 2-thread run), likely as freed memory goes back to the host (free page
             reporting) and is slow to touch again. See docs/performance.md.

--json OUT: also writes every figure of the table, each run's wall time and each run's per-batch
             processing times (the engine's batch log) to OUT, for scripts/perf-report.sh.

Runs are interleaved (baseline, engine, baseline, ...) so machine noise hits all of them alike, and
the variants compared within a round (--compare, --ui, --wal) run in a random order, seeded (--seed):
a run is coloured by the one before it, and a fixed order can line up with periodic noise. The
table reports medians (wall and CPU time, user + system), lines/s, MB/s, words/s, peak RSS, and ratios
against the baselines.
Example: python3 bench/throughput.py --build build --corpus corpus/kjv.txt --runs 5
"""
import argparse
import collections
import concurrent.futures
import contextlib
import json
import mmap
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import perf_gate


# One measured run: wall seconds, peak RSS MB, CPU seconds (user + system), the share of the machine's CPU
# time the hypervisor took meanwhile.
Sample = collections.namedtuple("Sample", "wall rss cpu steal")


def stolen_s():
    """CPU seconds the hypervisor has taken from this machine's CPUs since boot (/proc/stat steal; 0 where
    it is not reported)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def run_measured(cmd, stdout=subprocess.DEVNULL, cpus=None):
    """Runs cmd (confined to the CPUs `cpus` when given); returns (Sample, stderr text, stdout bytes or
    None)."""
    start, stolen = time.perf_counter(), stolen_s()
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, preexec_fn=pin)
    err = proc.stderr.read()
    out = proc.stdout.read() if stdout == subprocess.PIPE else None
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit("failed (%d): %s\n%s" % (status, " ".join(cmd), err.decode(errors="replace")))
    steal = (stolen_s() - stolen) / (wall * os.cpu_count())
    return Sample(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, steal), err.decode(errors="replace"), out


DONE = re.compile(r"done: (\d+) batches, (\d+) lines, (\d+) words")
BATCH = re.compile(r"batch \d+ \([^)]*\): (\d+) lines, .* processing ([0-9.]+) ms")
RECEIVER_CPU = re.compile(r"receiver: .* reads, ([0-9.]+) s CPU")
SYNC_CPU = re.compile(r"write-ahead log: .* sync thread ([0-9.]+) ms CPU")
DELAY = re.compile(r"batch \d+ \([^)]*\): (\d+) lines, .* processing ([0-9.]+) ms, scheduling delay ([0-9.]+) ms")
DD = re.compile(r"copied, ([0-9.]+) s")


def engine_counts(stderr):
    m = DONE.search(stderr)
    if not m:
        raise SystemExit("wcstream printed no summary:\n" + stderr)
    return int(m.group(2)), int(m.group(3))


def logged_batches(stderr):
    """(lines, processing seconds) of each batch in the engine's log."""
    return [(int(m.group(1)), float(m.group(2)) / 1000) for m in BATCH.finditer(stderr)]


def log_threads_cpu(stderr):
    """CPU seconds of the threads that do the write-ahead log's work (the receiver, the log's sync thread),
    from the engine's exit summaries; None when the receiver's is missing."""
    receiver = RECEIVER_CPU.search(stderr)
    sync = SYNC_CPU.search(stderr)
    return float(receiver.group(1)) + (float(sync.group(1)) / 1e3 if sync else 0.0) if receiver else None


def batch_delays(stderr):
    """(processing ms, scheduling delay ms) of each batch in the engine's log that had lines."""
    return [(float(m.group(2)), float(m.group(3))) for m in DELAY.finditer(stderr) if int(m.group(1)) > 0]


def durable_write_mb_s(directory, mib=256):
    """The disk's durable write bandwidth: dd of `mib` MiB into directory, with an fdatasync before it ends."""
    path = os.path.join(directory, "dd-probe")
    r = subprocess.run(["dd", "if=/dev/zero", "of=" + path, "bs=1M", "count=%d" % mib, "conv=fdatasync"],
                       capture_output=True, text=True, check=True)
    os.remove(path)
    return mib * 1.048576 / float(DD.search(r.stderr).group(1))


def after_first_batch(batches):
    """(lines, processing seconds) summed over the batches after the first, or None when there is only one."""
    if len(batches) < 2:
        return None
    return sum(b[0] for b in batches[1:]), sum(b[1] for b in batches[1:])


def extract_text(corpus, text, field):
    """Writes the `field` of each JSON line of corpus to text, a line each, in one write so that text is
    cached in 2 MiB folios (see "Page cache" above)."""
    reviews = []
    with open(corpus, encoding="utf-8") as src:
        for line in src:
            try:
                reviews.append("{}\n".format(json.loads(line)[field]))
            except (ValueError, KeyError):
                pass
    with open(text, "w", encoding="utf-8", newline="") as dst:
        dst.write("".join(reviews))


def drop_cached(path):
    """Writes back and drops path's cached pages: huge_folio_share then reads it back as the engine would."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def huge_folio_share(path):
    """The share of path's pages mapped from 2 MiB folios (FilePmdMapped in smaps) when this process maps
    it as the engine does (MADV_HUGEPAGE) and touches every page; reads the file in when it is not cached."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return 0.0
        with mmap.mmap(f.fileno(), size, prot=mmap.PROT_READ) as m:
            m.madvise(mmap.MADV_HUGEPAGE)
            for off in range(0, size, mmap.PAGESIZE):
                m[off]
            target = os.path.realpath(path)
            rss = pmd = 0
            inside = False
            with open("/proc/self/smaps") as smaps:
                for line in smaps:
                    if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):
                        inside = line.split(maxsplit=5)[-1].strip() == target
                    elif inside and line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif inside and line.startswith("FilePmdMapped:"):
                        pmd += int(line.split()[1])
    return pmd / rss if rss else 0.0


class disk_writer:
    """Writes mb_s MB/s of zeros to a file in `directory` while in a `with` block, as a durable log would
    (O_DIRECT, 1 MiB at a time, fdatasync every `sync_s` seconds), so a run beside it pays the disk's share
    of a log's cost and none of its software."""

    def __init__(self, directory, mb_s, sync_s):
        self.path, self.mb_s, self.sync_s = os.path.join(directory, "disk-writer.bin"), mb_s, sync_s
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        block = mmap.mmap(-1, 1 << 20)  # page-aligned, as O_DIRECT needs
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_DIRECT", 0), 0o644)
        try:
            start = last_sync = time.monotonic()
            written = 0
            while not self.stop.is_set():
                os.write(fd, block)
                written += len(block)
                now = time.monotonic()
                if now - last_sync >= self.sync_s:
                    os.fdatasync(fd)
                    last_sync = now
                self.stop.wait(max(0.0, start + written / 1e6 / self.mb_s - now))
        finally:
            os.close(fd)
            os.unlink(self.path)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def start_replay(replay, corpus, repeat, plain, rate=None):
    pace = ["--rate", str(rate)] if rate else ["--delay", "0"]
    cmd = [replay, "--file", corpus, "--host", "127.0.0.1", "--port", "0", "--repeat", str(repeat),
           "--clients", "1", "--wait", "60"] + pace + (["--plain"] if plain else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
    raise SystemExit("wcs-replay did not start")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpus", default="corpus/kjv.txt")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--batch-lines", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3, help="socket mode: times the replay server sends the corpus")
    ap.add_argument("--modes", default="file,socket")
    ap.add_argument("--field", default="reviewText", help="JSON corpora: the field holding the text")
    ap.add_argument("--pin", action="store_true",
                    help="file mode: also run T threads confined to T CPUs (the whole process, ingest thread included)")
    ap.add_argument("--compare", metavar="BUILD", help="file mode: also run this build's wcstream, interleaved, and compare")
    ap.add_argument("--wal", action="store_true",
                    help="socket mode: stateful with a checkpoint, with and without the write-ahead log "
                         "(the log's wall and CPU cost; the disk's durable write bandwidth in the same rounds)")
    ap.add_argument("--rate", type=float, metavar="LINES_PER_S",
                    help="socket mode: the server sends this many lines/s and batches are cut by time (--batch)")
    ap.add_argument("--batch", type=float, default=10, help="with --rate: the batch interval in seconds (10)")
    ap.add_argument("--ui", action="store_true",
                    help="file and socket mode: also run with --no-ui, interleaved, and compare (the live view's cost)")
    ap.add_argument("--recache", action="store_true",
                    help="drop the engine's input from the page cache first, so it is read back as from disk")
    ap.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    ap.add_argument("--seed", type=int, help="the seed of the order of each round's runs (default: a random one, printed)")
    ap.add_argument("--warmup", action="store_true",
                    help="file mode and baselines: run each command once, unmeasured, before each measured run")
    args = ap.parse_args()

    def measure(cmd, cpus=None):
        if args.warmup:
            run_measured(cmd, cpus=cpus)
        return run_measured(cmd, cpus=cpus)

    wcstream = os.path.join(args.build, "host/cli/wcstream")
    compared = os.path.join(args.compare, "host/cli/wcstream") if args.compare else None
    COMPARED = "wcstream file (compared)"
    NO_UI = "wcstream file, --no-ui"
    NO_UI_SOCKET = "wcstream socket, --no-ui"
    DISK_WRITER = "wcstream socket, no WAL, disk writer"
    replay = os.path.join(args.build, "ingest/replay/wcs-replay")
    reference = os.path.join(args.build, "bench/wcs-reference-count")
    corpus = args.corpus
    plain = not corpus.endswith(".json")
    size = os.path.getsize(corpus)
    threads = [int(t) for t in args.threads.split(",")]
    modes = args.modes.split(",")
    allowed = sorted(os.sched_getaffinity(0))
    if args.pin and max(threads) > len(allowed):
        raise SystemExit("--pin: %d threads asked, %d CPUs available" % (max(threads), len(allowed)))

    # The text the engine sees: the corpus itself, or the review texts the replay server sends
    # ("{}\n".format(review), as tcp_server.py) extracted once next to a JSON corpus.
    text = corpus if plain else corpus + ".txt"
    # In a child process: this process's peak RSS would rise, and the runs it starts inherit it.
    with multiprocessing.get_context("fork").Pool(1) as child:
        if not os.path.exists(text):
            child.apply(extract_text, (corpus, text, args.field))
        if args.recache:
            child.apply(drop_cached, (text,))
        cached_huge = child.apply(huge_folio_share, (text,))
    _, _, out = run_measured([reference, text], stdout=subprocess.PIPE)
    lines, words, distinct = (int(x) for x in out.split())
    text_bytes = os.path.getsize(text)

    samples = {}
    delays = {}  # (what, threads) -> (processing ms, scheduling delay ms) of every batch of every run
    dd_mb_s = []  # durable write bandwidth, once a round (--wal)
    later_batches = {}  # (what, threads) -> lines/s of the batches after the first, one per run
    parts = {}  # (what, threads) -> (each batch's processing seconds, the rest of the wall time), one per run
    ingest_cpu = {}  # (what, threads) -> CPU seconds of the receiver and the log's sync thread, one per run
    def add(key, sample, err=None):
        samples.setdefault(key, []).append(sample)
        if err is None:
            return
        ingest_cpu.setdefault(key, []).append(log_threads_cpu(err))
        delays.setdefault(key, []).extend(batch_delays(err))
        batches = logged_batches(err)
        parts.setdefault(key, []).append(([b[1] for b in batches], sample.wall - sum(b[1] for b in batches)))
        later = after_first_batch(batches)
        if later and later[1] > 0:
            later_batches.setdefault(key, []).append(later[0] / later[1])

    def median(key, field="wall"):
        return statistics.median(getattr(s, field) for s in samples[key])

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 32)
    order = random.Random(seed)
    shuffled = lambda runs: order.sample(runs, len(runs))
    for _ in range(args.runs):
        add(("wc -w", "-"), measure(["wc", "-w", text])[0])
        add(("reference (unordered_map)", "1"), measure([reference, text])[0])
        for t in threads:
            # The live view listens on any free port (--ui-port 0), so parallel runs never wait for 4040.
            pair = ([("wcstream file", None, wcstream, ["--ui-port", "0"])] +
                    ([(COMPARED, None, compared, [])] if compared else []) +
                    ([(NO_UI, None, wcstream, ["--no-ui"])] if args.ui else []))
            file_runs = shuffled(pair) + (
                [("wcstream file, pinned", allowed[:t], wcstream, ["--ui-port", "0"])] if args.pin else [])
            for what, cpus, binary, extra in file_runs if "file" in modes else []:
                sample, err, _ = measure([binary, "--file", text, "--batch-lines", str(args.batch_lines),
                                          "--threads", str(t), "--log-level", "info"] + extra, cpus=cpus)
                got = engine_counts(err)
                if got != (lines, words):
                    raise SystemExit("file mode counted %s, expected %s" % (got, (lines, words)))
                add((what, str(t)), sample, err)
            socket_runs = [("wcstream socket", ["--ui-port", "0"])]
            if args.wal:
                socket_runs = [("wcstream socket, WAL", ["--ui-port", "0"]), ("wcstream socket, no WAL", ["--ui-port", "0", "--no-wal"])]
                if args.rate:
                    socket_runs.append((DISK_WRITER, ["--ui-port", "0", "--no-wal"]))
                if "socket" in modes:
                    probe = tempfile.mkdtemp(prefix="wcs-bench-dd-")
                    dd_mb_s.append(durable_write_mb_s(probe))
                    os.rmdir(probe)
            elif args.ui:
                socket_runs += [(NO_UI_SOCKET, ["--no-ui"])]
            socket_runs = shuffled(socket_runs)
            cut = ["--batch", str(args.batch)] if args.rate else ["--batch-lines", str(args.batch_lines)]
            for what, extra in socket_runs if "socket" in modes else []:
                ckpt = tempfile.mkdtemp(prefix="wcs-bench-ckpt-")
                state = ["--mode", "stateful", "--checkpoint", ckpt] if args.wal else []
                server, port = start_replay(replay, corpus, args.repeat, plain, args.rate)
                writer = (disk_writer(ckpt, args.rate * text_bytes / lines / 1e6, args.batch) if what == DISK_WRITER
                          else contextlib.nullcontext())
                with writer:
                    sample, err, _ = run_measured([wcstream, "--host", "127.0.0.1", "--port", str(port), "--exit-on-eof",
                                                   "--threads", str(t), "--log-level", "info"] + cut + state + extra)
                server.wait()
                shutil.rmtree(ckpt)
                got = engine_counts(err)
                if got != (lines * args.repeat, words * args.repeat):
                    raise SystemExit("socket mode lost data: counted %s, expected %s" % (got, (lines * args.repeat, words * args.repeat)))
                add((what, str(t)), sample, err)

    # The rows in the same order whatever order the runs took.
    samples, delays, later_batches, parts = (dict(sorted(d.items(), key=lambda kv: row_order(kv[0])))
                                             for d in (samples, delays, later_batches, parts))
    ui_costs = []  # --ui, per mode and threads: the medians of the rounds' paired ratios with their 95% CIs
    if args.ui:
        paired = [m for m in modes if m == "file" or (m == "socket" and not args.wal)]
        instructions = ui_instructions(wcstream, replay, text, corpus, plain, paired, args.batch_lines)
        bootstrap = random.Random(seed)
        for t in (str(t) for t in threads):
            for mode in paired:
                ui, no_ui = samples[("wcstream " + mode, t)], samples[("wcstream %s, --no-ui" % mode, t)]
                counted = instructions.get(mode)
                ui_costs.append({"mode": mode, "threads": t,
                                 "wall": paired_cost([s.wall for s in ui], [s.wall for s in no_ui], bootstrap),
                                 "cpu": paired_cost([s.cpu for s in ui], [s.cpu for s in no_ui], bootstrap),
                                 "instructions": counted[0] / counted[1] - 1 if counted else None,
                                 "instructions_counted": counted})

    print("corpus %s: %.1f MB, %d lines, %d words, %d distinct, %.0f%% in 2 MiB folios; %d runs, medians%s; "
          "machine: %d cores, %s" % (corpus, text_bytes / 1e6, lines, words, distinct, 100 * cached_huge, args.runs,
                                     ", each after a warm-up run" if args.warmup else "", os.cpu_count(), cpu_model()))
    print("each round's compared runs in a random order: --seed %d repeats it" % seed)
    base = {k[0]: median(k) for k in samples if k[1] in ("-", "1") and not k[0].startswith("wcstream")}
    print("%-28s %7s %9s %9s %12s %9s %12s %8s %8s %8s" % ("what", "threads", "median s", "CPU s", "lines/s", "MB/s",
                                                             "words/s", "peak MB", "x wc -w", "x ref"))
    rows = []
    for (what, t), v in samples.items():
        wall = median((what, t))
        rss = max(s.rss for s in v)
        cpu = median((what, t), "cpu")
        scale = args.repeat if what.startswith("wcstream socket") else 1
        per_s = lambda x: x * scale / wall
        rows.append({"what": what, "threads": t, "median_s": wall, "cpu_s": cpu, "lines_per_s": per_s(lines),
                     "mb_per_s": per_s(text_bytes) / 1e6, "words_per_s": per_s(words), "peak_mb": rss,
                     "x_wc": base["wc -w"] / wall * scale, "x_reference": base["reference (unordered_map)"] / wall * scale,
                     "walls_s": [s.wall for s in v],
                     "later_batches_lines_per_s": statistics.median(later_batches[(what, t)]) if (what, t) in later_batches else None,
                     "batch_ms": [[1000 * b for b in r[0]] for r in parts.get((what, t), [])]})
        print("%-28s %7s %9.3f %9.3f %12.0f %9.1f %12.0f %8.0f %8.2f %8.2f" % (
            what, t, wall, cpu, per_s(lines), per_s(text_bytes) / 1e6, per_s(words), rss,
            base["wc -w"] / wall * scale, base["reference (unordered_map)"] / wall * scale))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"corpus": corpus, "bytes": text_bytes, "lines": lines, "words": words, "distinct": distinct,
                       "runs": args.runs, "batch_lines": args.batch_lines, "repeat": args.repeat,
                       "machine": {"cores": os.cpu_count(), "cpu": cpu_model()}, "seed": seed, "rows": rows,
                       "ui_cost": ui_costs}, f, indent=1)
    most = str(max(threads))

    def print_scaling(rows, per_second, indent="", width=22):
        """Each engine row's throughput (per_second(key)) at the most threads against one thread."""
        for what in dict.fromkeys(w for w, _ in rows):
            if what.startswith("wcstream") and (what, "1") in rows and (what, most) in rows and most != "1":
                print("%sscaling %-*s %s threads / 1 thread: %.2fx" % (
                    indent, width, what, most, per_second((what, most)) / per_second((what, "1"))))

    print_scaling(samples, lambda key: 1 / median(key))
    for t in (str(t) for t in threads):
        if ("wcstream file", t) in samples and (COMPARED, t) in samples:
            print("%s against %s, %s threads: %.2f against %.2f ms, %.2fx" % (
                args.build, args.compare, t, 1000 * median(("wcstream file", t)), 1000 * median((COMPARED, t)),
                median((COMPARED, t)) / median(("wcstream file", t))))
        if ("wcstream socket, WAL", t) in samples and ("wcstream socket, no WAL", t) in samples:
            with_log, without = median(("wcstream socket, WAL", t)), median(("wcstream socket, no WAL", t))
            cpu_log, cpu_without = median(("wcstream socket, WAL", t), "cpu"), median(("wcstream socket, no WAL", t), "cpu")
            print("write-ahead log, %s threads: %.3f s against %.3f s without, %+.1f%% wall time; CPU %.3f against "
                  "%.3f s, %+.1f%%" % (t, with_log, without, 100 * (with_log / without - 1), cpu_log, cpu_without,
                                      100 * (cpu_log / cpu_without - 1)))
        for ui, no_ui in ((("wcstream file", t), (NO_UI, t)), (("wcstream socket", t), (NO_UI_SOCKET, t))):
            if ui in samples and no_ui in samples:
                print("live view's cost, %s, %s threads (medians, UI against --no-ui): wall %.2f against %.2f ms (%+.2f%%), "
                      "CPU %.2f against %.2f ms (%+.2f%%)" % (
                          ui[0].split()[1], t, 1000 * median(ui), 1000 * median(no_ui), 100 * (median(ui) / median(no_ui) - 1),
                          1000 * median(ui, "cpu"), 1000 * median(no_ui, "cpu"), 100 * (median(ui, "cpu") / median(no_ui, "cpu") - 1)))
    for c in ui_costs:
        print("UI cost, %s, %s threads: %+.2f%% wall (95%% CI %+.2f..%+.2f%%), %+.2f%% CPU (95%% CI %+.2f..%+.2f%%), %s" % (
            c["mode"], c["threads"], *(100 * x for x in c["wall"] + c["cpu"]),
            "%+.4f%% instructions (%s against %s M, 1 thread)" % (
                100 * c["instructions"], *("{:,.2f}".format(n / 1e6) for n in c["instructions_counted"]))
            if c["instructions"] is not None else "instructions not counted (needs valgrind and AVX2)"))
    if dd_mb_s:
        print("disk: durable write bandwidth (dd conv=fdatasync, 256 MiB, median of %d rounds) %.0f MB/s; the engine's "
              "input %s without the log: %s" % (len(dd_mb_s), statistics.median(dd_mb_s), "paced" if args.rate else "at full speed",
                                              ", ".join("%.0f MB/s (%s threads)" % (args.repeat * text_bytes / 1e6 / median(k), k[1])
                                                        for k in samples if k[0] == "wcstream socket, no WAL")))
    if args.rate:
        print("at %.0f lines/s (%.1f MB/s), %g s batches: CPU per line, and each batch's processing time and "
              "scheduling delay (medians over every batch of every run, ms; max in brackets); the share of the CPUs the "
              "hypervisor took during the runs (steal: it slows a run's batches)" % (
                  args.rate, args.rate * text_bytes / lines / 1e6, args.batch))
        for key, v in delays.items():
            if key[0].startswith("wcstream socket"):
                print("  %-26s %7s %8.3f us/line  processing %8.1f [%8.1f]  scheduling delay %8.1f [%8.1f]  total %8.1f"
                      "  steal %.1f%% [%.1f%%]" % (
                    key[0], key[1], 1e6 * median(key, "cpu") / (lines * args.repeat),
                    statistics.median(p for p, _ in v), max(p for p, _ in v),
                    statistics.median(d for _, d in v), max(d for _, d in v), statistics.median(p + d for p, d in v),
                    100 * median(key, "steal"), 100 * max(s.steal for s in samples[key])))
        for t in (str(t) for t in threads):
            log, no_log = ("wcstream socket, WAL", t), ("wcstream socket, no WAL", t)
            if log in delays and no_log in delays:
                def against(f):
                    x, y = f(log), f(no_log)
                    return "%.3f against %.3f (%+.1f%%)" % (x, y, 100 * (x / y - 1) if y else float("nan"))
                print("write-ahead log's cost, %s threads (WAL against --no-wal, medians):\n"
                      "  processing time per batch, ms  %s\n  scheduling delay, ms           %s\n"
                      "  CPU per line, us               %s" % (
                          t, against(lambda k: statistics.median(p for p, _ in delays[k])),
                          against(lambda k: statistics.median(d for _, d in delays[k])),
                          against(lambda k: 1e6 * median(k, "cpu") / (lines * args.repeat))))
            control = (DISK_WRITER, t)
            if log in parts and no_log in parts and control in parts:
                bootstrap = random.Random(seed)
                processing = lambda k: [statistics.median(r[0]) for r in parts[k]]
                cpu = lambda k: [s.cpu for s in samples[k]]
                print("  paired, %s threads (median of the rounds' ratios, 95%% CI):" % t)
                for name, a, b in (("the log's whole cost (WAL against --no-wal)", log, no_log),
                                   ("the disk's share (disk writer against --no-wal)", control, no_log),
                                   ("the log's own cost (WAL against the disk writer)", log, control)):
                    print("    %-50s processing %+.1f%% (%+.1f..%+.1f%%), CPU %+.1f%% (%+.1f..%+.1f%%)" % (
                        name, *(100 * x for x in paired_cost(processing(a), processing(b), bootstrap)
                                + paired_cost(cpu(a), cpu(b), bootstrap))))
                if None not in ingest_cpu[log] + ingest_cpu[no_log]:
                    # The counting threads' CPU varies from run to run by more than the whole log costs; the
                    # log's work is done on the receiver's thread and its own sync thread, whose CPU the
                    # engine reports: their extra CPU, as a share of the whole process's CPU without the log.
                    with_extra = [c + a - b for a, b, c in zip(ingest_cpu[log], ingest_cpu[no_log], cpu(no_log))]
                    print("    %-50s CPU %+.1f%% (%+.1f..%+.1f%%); receiver and sync thread %.3f against %.3f s (medians)" % (
                        "the log's threads' extra CPU (WAL against --no-wal)",
                        *(100 * x for x in paired_cost(with_extra, cpu(no_log), bootstrap)),
                        statistics.median(ingest_cpu[log]), statistics.median(ingest_cpu[no_log])))
    if later_batches:
        print("batches after the first (engine's batch log: lines / processing time; medians over runs):")
        for (what, t), rates in later_batches.items():
            rate = statistics.median(rates)
            print("  %-26s %7s %12.0f lines/s %9.1f MB/s" % (what, t, rate, rate * text_bytes / lines / 1e6))
        print_scaling(later_batches, lambda key: statistics.median(later_batches[key]), indent="  ", width=18)
    print("a run's parts (medians over runs, ms): each batch's processing (engine's batch log), then the rest of the")
    print("wall time (process start and exit, waiting for input)")
    for (what, t), runs in parts.items():
        print("  %-26s %7s   %s; rest %.2f" % (what, t, batch_medians([r[0] for r in runs]), 1000 * statistics.median(r[1] for r in runs)))


def row_order(key):
    """Where a row (what, threads) goes in the table: the baselines as they ran, then the engine's rows by
    threads and name, whatever order each round's runs took."""
    what, t = key
    return (1, int(t), what) if what.startswith("wcstream") else (0, 0, "")


def paired_cost(with_, without, rng, resamples=10000):
    """The median over the rounds of with / without - 1 (each round's two runs paired, so noise slower than
    a pair of runs cancels out), and the bounds of its 95% confidence interval (percentile bootstrap)."""
    ratios = [a / b for a, b in zip(with_, without)]
    medians = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(resamples))
    return statistics.median(ratios) - 1, medians[int(0.025 * resamples)] - 1, medians[int(0.975 * resamples)] - 1


def ui_instructions(wcstream, replay, text, corpus, plain, modes, batch_lines):
    """{mode: (instructions with the live view, with --no-ui)} under Callgrind as perf_gate counts them: one
    thread (with two, TBB's spin-waits move the count by a few percent from run to run), the corpus once
    (socket mode: sent once), the runs in parallel. {} without Valgrind or AVX2."""
    if shutil.which("valgrind") is None or not perf_gate.cpu_has(perf_gate.CPU_FLAGS):
        return {}

    def count(mode, ui, work):
        cmd = [wcstream, "--threads", "1", "--batch-lines", str(batch_lines)] + ui
        if mode == "file":
            return perf_gate.callgrind(cmd + ["--file", text], work, mode + ui[0], False)
        server, port = start_replay(replay, corpus, 1, plain)
        counted = perf_gate.callgrind(cmd + ["--host", "127.0.0.1", "--port", str(port), "--exit-on-eof"], work, mode + ui[0], False)
        server.wait()
        return counted

    with tempfile.TemporaryDirectory(prefix="wcs-bench-callgrind-") as work, \
            concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        runs = {mode: [pool.submit(count, mode, ui, work) for ui in (["--ui-port", "0"], ["--no-ui"])] for mode in modes}
        return {mode: [run.result() for run in pair] for mode, pair in runs.items()}


def batch_medians(runs, shown=4):
    """The median processing ms of each of the first `shown` batches over the runs, then of the later ones."""
    n = min(len(r) for r in runs)
    first = " ".join("%.2f" % (1000 * statistics.median(r[i] for r in runs)) for i in range(min(n, shown)))
    if n <= shown:
        return "batches " + first
    later = [b for r in runs for b in r[shown:n]]
    return "batches %s, then %d more: median %.2f" % (first, n - shown, 1000 * statistics.median(later))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
