"""Faults other than a crash (the kill tests cover those): every line received is counted once.
 - The server is down at start, drops the connection in the middle of a line (the partial line is a
   line, as Java's readLine returns it), comes back, then stalls; SIGINT then closes the open batch,
   checkpoints it, flushes and exits 0.
 - The consumer falls behind (its stdout is not read): the receiver stops reading, memory stays
   bounded, and nothing is dropped.
 - The output or checkpoint directory turns read-only, or a write fails (RLIMIT_FSIZE, as a full disk
   would): one line on stderr, exit 1, no half-written batch directory, the previous checkpoint intact.

usage: faults_test.py WCSTREAM WCS-CHECKPOINT-DUMP
"""
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

from wcs_e2e import python_counts, read_batch_dir, read_text_outputs

SANITIZED = "WCS_SANITIZED" in os.environ  # sanitizer builds: slower, and RSS says nothing
MB = 1 << 20


def report(name, ok, detail):
    print("%s %s: %s" % ("ok  " if ok else "FAIL", name, detail), flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def engine(wcstream, port, args, **kw):
    return subprocess.Popen([wcstream, "--host", "127.0.0.1", "--port", str(port), *args], **kw)


def summed(prefix, suffix=""):
    total = Counter()
    for c in read_text_outputs(prefix, suffix).values():
        total.update(c)
    return total


def dump_checkpoint(dump, ckpt):
    """(last batch ms, totals) of the newest valid checkpoint."""
    r = subprocess.run([dump, ckpt], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    last = int(lines[1].split()[1])
    return last, Counter({w: int(c) for w, c in (l.rsplit("\t", 1) for l in lines[2:])})


def outages_then_sigint(wcstream, dump, tmp):
    port = free_port()
    prefix, ckpt = os.path.join(tmp, "o1", "wc"), os.path.join(tmp, "c1")
    err_path = os.path.join(tmp, "o1.log")
    first = ["line %d of the first connection" % i for i in range(500)]
    second = ["line %d after the reconnect" % i for i in range(500)]
    third = ["line %d after the stall" % i for i in range(500)]
    with open(err_path, "w") as err:
        proc = engine(wcstream, port, ["--batch", "0.5", "--mode", "stateless,stateful", "--checkpoint", ckpt, "--output", prefix],
                      stdout=subprocess.DEVNULL, stderr=err)
        time.sleep(1.0)  # refused at least once: nothing listens yet
        listener = socket.create_server(("127.0.0.1", port))
        conn, _ = listener.accept()
        conn.sendall(("\n".join(first) + "\nthe partial li").encode())
        conn.close()  # dropped in the middle of a line
        conn, _ = listener.accept()  # the receiver restarts after 2 s
        conn.sendall(("ne is two lines\n" + "\n".join(second) + "\n").encode())
        time.sleep(2.0)  # a stalled server: the connection stays open, nothing arrives
        conn.sendall(("\n".join(third) + "\n").encode())
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        conn.close()
        listener.close()
    with open(err_path) as f:
        log = f.read()
    expected = python_counts(first + ["the partial li", "ne is two lines"] + second + third)
    total = summed(prefix, "stateless")
    last, totals = dump_checkpoint(dump, ckpt)
    newest = max(read_text_outputs(prefix, "stateless"))
    ok = (code == 0 and total == expected and totals == expected and last == newest
          and "Connection refused" in log and "signal received" in log)
    return report("server down, dropped mid-line, stalled; SIGINT", ok,
                  "exit %d, %d of %d words, checkpoint at the last batch: %s" %
                  (code, sum(total.values()), sum(expected.values()), last == newest))


def consumer_behind(wcstream, tmp):
    """stdout is a pipe nobody reads: the engine blocks in its first pprint, the ring fills, the
    receiver stops reading and TCP holds the sender back; then stdout is read again. The sender pauses
    after its first block until the engine is blocked (a batch's pprint of 20000 records, about
    260 KB, overfills the pipe): a quiet machine could otherwise take in the whole stream before the first batch ends."""
    vocab = ["w%d" % i for i in range(20000)]
    block = ("\n".join(" ".join(vocab[j:j + 10]) for j in range(0, len(vocab), 10)) + "\n").encode()
    repeats = (200 * MB) // len(block)
    listener = socket.create_server(("127.0.0.1", 0))
    sent = [0]
    resumed = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            for i in range(repeats):
                conn.sendall(block)
                sent[0] += len(block)
                if i == 0:
                    time.sleep(1.0)  # several 0.2 s batches: the first one's pprint overfills the pipe
                    resumed.set()
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    prefix = os.path.join(tmp, "o2", "wc")
    err_path = os.path.join(tmp, "o2.log")
    with open(err_path, "w") as err:
        proc = engine(wcstream, listener.getsockname()[1],
                      ["--exit-on-eof", "--output", prefix, "--num", "20000", "--batch", "0.2"],
                      stdout=subprocess.PIPE, stderr=err)
        # Held back: the sender made no progress for 1 s (on a loaded machine start-up can take seconds).
        resumed.wait(timeout=60)
        last, still_since = -1, time.monotonic()
        while time.monotonic() - still_since < 1.0 and sent[0] < repeats * len(block):
            if sent[0] != last:
                last, still_since = sent[0], time.monotonic()
            time.sleep(0.05)
        time.sleep(1.5)  # ... and 1.5 s more
        held_back = sent[0]
        rss = peak_rss_mb(proc.pid)
        drain = threading.Thread(target=proc.stdout.read, daemon=True)
        drain.start()
        code = proc.wait(timeout=300)
    with open(err_path) as f:
        delays = [float(d) for d in re.findall(r"scheduling delay ([\d.]+) ms", f.read())]
    expected = Counter({w: repeats for w in vocab})
    total = summed(prefix)
    # Not checked: the scheduling delay. It counts from when the receiver closes a batch, and a
    # receiver held back by a full ring closes it late, so the delay shows only part of the stall.
    ok = code == 0 and total == expected and held_back < 100 * MB
    if not SANITIZED:
        ok = ok and rss < 150
    return report("consumer falls behind", ok,
                  "exit %d, sent %.0f of %.0f MiB while stalled, peak RSS %.0f MiB, max scheduling delay %.0f ms, "
                  "%d words (expected %d)" % (code, held_back / MB, repeats * len(block) / MB, rss,
                                               max(delays, default=0), sum(total.values()), sum(expected.values())))


def peak_rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0


def unprivileged():
    """Root ignores directory permissions: drop the capabilities that let it (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def complete_batches_only(prefix):
    parent, base = os.path.split(prefix)
    names = os.listdir(parent)
    visible = [n for n in names if n.startswith(base + "-")]
    return all(os.path.exists(os.path.join(parent, n, "_SUCCESS")) for n in visible), visible


def failed_write(name, wcstream, dump, tmp, make_fail, preexec=None, wrap=()):
    """A stateful stream over a socket; make_fail(out_dir, ckpt) is called after two seconds."""
    out, ckpt = os.path.join(tmp, name, "out"), os.path.join(tmp, name, "ckpt")
    os.makedirs(out)
    prefix = os.path.join(out, "wc")
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            i = 0
            while not stop.is_set():
                try:
                    conn.sendall(("".join("word%d common line\n" % (i + k) for k in range(100))).encode())
                except OSError:  # the engine stopped
                    return
                i += 100
                time.sleep(0.01)

    threading.Thread(target=serve, daemon=True).start()
    proc = subprocess.Popen([*wrap, wcstream, "--host", "127.0.0.1", "--port", str(listener.getsockname()[1]),
                             "--batch", "0.5", "--mode", "stateless,stateful", "--checkpoint", ckpt,
                             "--checkpoint-interval", "0.5", "--output", prefix, "--log-level", "error"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
    time.sleep(2.0)
    make_fail(out, ckpt)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    stop.set()
    listener.close()
    err = [l for l in proc.stderr.read().splitlines() if l.strip()]
    os.chmod(out, 0o755)
    os.chmod(ckpt, 0o755)
    whole, visible = complete_batches_only(prefix)
    last, totals = dump_checkpoint(dump, ckpt)
    stateful = read_batch_dir("%s-%d.stateful" % (prefix, last))  # the checkpointed batch's output exists
    ok = code == 1 and len(err) == 1 and err[0].startswith("wcstream: error: ") and whole and totals == stateful
    return report(name, ok, "exit %d, stderr %r, %d batch directories all complete: %s, checkpoint at %d intact: %s" %
                  (code, err, len(visible), whole, last, totals == stateful))


def limit_file_size():
    # SIGXFSZ ignored: the write fails with EFBIG instead, as a full disk fails with ENOSPC.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = 256 * 1024  # a few batches fit: the stateful output and the checkpoint grow by ~100 KB a batch
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def main(wcstream, dump):
    tmp = tempfile.mkdtemp(prefix="wcs-faults-")
    try:
        ok = outages_then_sigint(wcstream, dump, tmp)
        ok &= consumer_behind(wcstream, tmp)
        wrap = unprivileged()
        ok &= failed_write("read-only output directory", wcstream, dump, tmp,
                           lambda out, ckpt: os.chmod(out, 0o555), wrap=wrap)
        ok &= failed_write("read-only checkpoint directory", wcstream, dump, tmp,
                           lambda out, ckpt: os.chmod(ckpt, 0o555), wrap=wrap)
        ok &= failed_write("a write fails (RLIMIT_FSIZE)", wcstream, dump, tmp, lambda out, ckpt: None,
                           preexec=limit_file_size)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
