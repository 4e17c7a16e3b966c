"""Exactly-once across crashes: a server streams numbered lines ("w.. w.. t<seq>z", the sequence going
on across connections) to wcstream --mode stateful with its write-ahead log, while the engine is
SIGKILLed and restarted and the server drops the connection. Then, from the last checkpoint:
  - no sequence token counts more than once, and no token is garbled (a counted piece of a line);
  - missing tokens form at most one contiguous run per kill, each no more bytes than the kernel's socket
    buffers (and one read the engine had not logged yet) can hold; a dropped connection loses nothing;
  - every ordinary word's total equals its count in the lines whose tokens arrived.
--torn: after each kill a torn record is appended to the newest log segment; the restart must cut it.

usage: seq_soak.py WCSTREAM CHECKPOINT_DUMP [--lines N] [--kills K] [--drops D] [--rate LINES/S] [--torn]
CTest runs a small case; scripts/soak.sh the acceptance run (10 M lines). WCS_TEST_SEED replays a run.
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

TOKEN = re.compile(r"t(\d{9})z")
VOCAB = 1000


def line_words(seq):
    """The ordinary words of line `seq`: 3 to 7 of VOCAB, fixed by seq."""
    return ["w%d" % ((seq * 2654435761 + k * 40503) % VOCAB) for k in range(3 + seq % 5)]


def line_bytes(seq):
    return ("%s t%09dz\n" % (" ".join(line_words(seq)), seq)).encode()


class seq_server:
    """Serves one client at a time, continuing the sequence across connections. A line is resent in
    full on the next connection when the kernel did not accept all of it: a partial line is never
    counted (the engine drops the line a crash cut), so it is counted once."""

    def __init__(self, total, rate):
        self.total = total
        self.rate = rate
        self.next = 0  # the first line not yet accepted by the kernel
        self.drop = threading.Event()
        self.drops = 0
        self.connections = 0
        self.done = threading.Event()
        self.before_end = lambda: None  # called before the last line's connection is closed
        self.stop = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def accept_loop(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            self.connections += 1
            self.serve(conn)

    def serve(self, conn):
        start, sent_lines = time.monotonic(), 0
        with conn:
            while self.next < self.total and not self.stop.is_set():
                first = self.next
                seqs = range(first, min(first + 2000, self.total))
                lines = [line_bytes(s) for s in seqs]
                block = b"".join(lines)
                off = 0
                try:
                    while off < len(block):
                        off += conn.send(block[off:])
                except OSError:
                    # The lines the kernel took whole are gone from here; resend the rest from the
                    # line that was cut.
                    for line in lines:
                        if off < len(line):
                            break
                        off -= len(line)
                        self.next += 1
                    return
                self.next = seqs[-1] + 1
                sent_lines += len(lines)
                if self.drop.is_set():
                    self.drop.clear()
                    self.drops += 1
                    try:
                        conn.shutdown(socket.SHUT_WR)
                    except OSError:  # a kill closed it first: dropped all the same
                        pass
                    return
                if self.rate:
                    ahead = sent_lines / self.rate - (time.monotonic() - start)
                    if ahead > 0:
                        time.sleep(ahead)
            if self.next >= self.total:
                self.before_end()
                conn.shutdown(socket.SHUT_WR)
                self.done.set()
                while not self.stop.is_set():
                    time.sleep(0.1)

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def buffer_bound():
    """Bytes a killed stream can hold in flight: the sender's and receiver's socket buffers at their
    largest (the engine asks for 4 MiB, which the kernel doubles up to rmem_max), and what the engine
    had read but not logged yet: one read (1 MiB) and the log's held appends (1 MiB)."""
    wmem = int(open("/proc/sys/net/ipv4/tcp_wmem").read().split()[2])
    rmem = int(open("/proc/sys/net/ipv4/tcp_rmem").read().split()[2])
    rmem_max = int(open("/proc/sys/net/core/rmem_max").read())
    return wmem + max(rmem, 2 * min(4 << 20, rmem_max)) + (2 << 20)


def tear_log(wal_dir, rng, torn):
    """Writes a torn record after the last record of the newest segment (before the zeros of its last
    block and preallocated space), as a crash in the middle of a write leaves: a data record's header
    and part of its payload. Returns the segment torn; none when it is `torn` still (the engine was
    killed again before its restart cut the tear)."""
    segments = sorted(f for f in os.listdir(wal_dir) if f.startswith("wal-")) if os.path.isdir(wal_dir) else []
    if not segments or segments[-1] == torn:
        return None
    with open(os.path.join(wal_dir, segments[-1]), "r+b") as f:
        end = 8  # the magic; then records of a u32 payload length, 4 more header bytes, payload, 8 check bytes
        while True:
            f.seek(end)
            header = f.read(8)
            if len(header) < 8 or header == bytes(8):
                break
            end += 16 + struct.unpack_from("<I", header)[0]
        f.seek(end)
        f.write(struct.pack("<IB3x", 1000, 2) + os.urandom(rng.randint(0, 999)))
    return segments[-1]


def dump(tool, ckpt):
    out = subprocess.run([tool, ckpt], stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
    totals = Counter()
    for line in out.split("\n")[2:]:
        if line:
            word, count = line.split("\t")
            totals[word] = int(count)
    return totals


def check(totals, total_lines, kills):
    tokens = Counter()
    words = Counter()
    for word, count in totals.items():
        m = TOKEN.fullmatch(word)
        if m:
            tokens[int(m.group(1))] = count
        elif word.startswith("w") and word[1:].isdigit():
            words[word] = count
        else:
            raise AssertionError("a garbled word was counted (a piece of a line): %r x %d" % (word, count))
    twice = [t for t, c in tokens.items() if c > 1]
    assert not twice, "%d tokens counted more than once, e.g. %s" % (len(twice), twice[:5])
    runs = []  # (first seq, lines, bytes) of each run of missing tokens
    seq = 0
    while seq < total_lines:
        if seq in tokens:
            seq += 1
            continue
        first, size = seq, 0
        while seq < total_lines and seq not in tokens:
            size += len(line_bytes(seq))
            seq += 1
        runs.append((first, seq - first, size))
    expected = Counter()
    for s in tokens:
        expected.update(line_words(s))
    assert words == expected, "ordinary word totals differ from the lines whose tokens arrived: %s" % (
        sorted(((words - expected) + (expected - words)).items())[:10],)
    return len(tokens), runs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("wcstream")
    ap.add_argument("dump")
    ap.add_argument("--lines", type=int, default=300000)
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--drops", type=int, default=2)
    ap.add_argument("--rate", type=float, default=50000, help="lines per second (0: as fast as possible)")
    ap.add_argument("--batch", default="0.2")
    ap.add_argument("--checkpoint-interval", help="seconds (default: chosen at random)")
    ap.add_argument("--torn", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    seed = int(os.environ.get("WCS_TEST_SEED", random.randrange(1 << 30)))
    print("seed", seed, flush=True)
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="wcs-soak-")
    ckpt = os.path.join(work, "ckpt")
    server = seq_server(args.lines, args.rate)
    expected_s = args.lines / args.rate if args.rate else 60
    # Kills and drops at random moments over the stream's expected length.
    events = sorted([(rng.uniform(0.05, 0.9) * expected_s, "kill") for _ in range(args.kills)] +
                    [(rng.uniform(0.05, 0.9) * expected_s, "drop") for _ in range(args.drops)])
    log_path = os.path.join(work, "engine.log")
    # Checkpoints every batch, now and then, or (the default for short batches) every 10 s: the log is
    # replayed onto each, or alone onto nothing.
    interval = args.checkpoint_interval or rng.choice([args.batch, "1", "10"])
    print("checkpoint interval", interval, flush=True)
    cmd = [args.wcstream, "--host", "127.0.0.1", "--port", str(server.port), "--mode", "stateful", "--checkpoint", ckpt,
           "--batch", args.batch, "--checkpoint-interval", interval, "--num", "1"]
    ok = False
    try:
        with open(log_path, "wb") as log:
            began = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
            kills = tears = 0
            torn = None
            for at, what in events:
                time.sleep(max(0.0, at - (time.monotonic() - began)))
                assert proc.poll() is None, "wcstream exited (rc %s): see %s" % (proc.returncode, log_path)
                if what == "drop":
                    server.drop.set()
                    print("%6.1f s: drop at line %d" % (time.monotonic() - began, server.next), flush=True)
                    continue
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                print("%6.1f s: kill at line %d" % (time.monotonic() - began, server.next), flush=True)
                if args.torn:
                    segment = tear_log(os.path.join(ckpt, "wal"), rng, torn)
                    if segment:
                        torn, tears = segment, tears + 1
                proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
            # A stop drops what the receiver has not read: wait until it read the end of the stream.
            end_mark = []
            server.before_end = lambda: end_mark.append(os.path.getsize(log_path))
            while not server.done.wait(1):
                assert proc.poll() is None, "wcstream exited (rc %s): see %s" % (proc.returncode, log_path)
            while True:
                with open(log_path, "rb") as f:
                    f.seek(end_mark[0])
                    if b"Socket data stream had no more data" in f.read():
                        break
                assert proc.poll() is None, "wcstream exited (rc %s): see %s" % (proc.returncode, log_path)
                time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(timeout=300)
            assert rc == 0, "clean stop exited %d: see %s" % (rc, log_path)
            elapsed = time.monotonic() - began
        arrived, runs = check(dump(args.dump, ckpt), args.lines, kills)
        bound = buffer_bound()
        with open(log_path, "rb") as f:
            text = f.read()
        print("%d lines in %.1f s, %d connections, %d drops, %d kills; %d tokens counted once, none twice, "
              "none garbled" % (args.lines, elapsed, server.connections, server.drops, kills, arrived))
        print("missing: %d lines in %d runs%s (bound per run: %d bytes)" % (
            sum(r[1] for r in runs), len(runs),
            "".join("\n  from line %d: %d lines, %d bytes" % r for r in runs), bound))
        print("torn log tails: %d made, %d cut; ordinary word totals equal the lines whose tokens arrived" %
              (tears, text.count(b"cut there")))
        assert server.drops == args.drops, "the server dropped %d connections, not %d" % (server.drops, args.drops)
        assert len(runs) <= kills, "%d runs of missing lines for %d kills" % (len(runs), kills)
        assert all(r[2] <= bound for r in runs), "a run of missing lines is longer than the socket buffers hold"
        if args.torn:
            assert text.count(b"cut there") >= tears, "%d torn log tails, %d cut" % (tears, text.count(b"cut there"))
        print("ok")
        ok = True
    finally:
        server.close()
        if ok and not args.keep:
            shutil.rmtree(work)
        else:
            print("kept for inspection:", work)


if __name__ == "__main__":
    main()
