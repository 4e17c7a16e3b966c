"""Kill test: wcstream --mode stateless,stateful is SIGKILLed at random moments while a loopback
server streams words, and restarted on the same checkpoint directory each time. At the end the totals
of the last checkpoint must equal the sum of the stateless outputs of exactly the batches it records
as applied (zero_ms, last_batch_ms]: every one of them present, none counted twice, none half-applied.

usage: kill_restart_test.py WCSTREAM CHECKPOINT_DUMP   (WCS_TEST_SEED replays a run)
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

from wcs_e2e import read_batch_dir

BATCH_MS = 200


class word_server:
    """Streams random lines to every client that connects, until it goes away."""

    def __init__(self, rng):
        self.vocab = ["w%d" % i for i in range(300)] + ["café", "日本", "don't", "\"q\"", "a\u200bb"]
        self.seed = rng.randrange(1 << 30)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def accept_loop(self):
        clients = 0
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            clients += 1
            threading.Thread(target=self.serve, args=(conn, random.Random(self.seed + clients)), daemon=True).start()

    def serve(self, conn, rng):
        with conn:
            while not self.stop.is_set():
                lines = " ".join(rng.choice(self.vocab) for _ in range(rng.randint(0, 400)))
                lines = lines.replace(" ", "\n", rng.randint(0, 30)) + "\n"
                try:
                    conn.sendall(lines.encode("utf-8"))
                except OSError:
                    return
                time.sleep(rng.uniform(0, 0.01))

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def start_engine(wcstream, port, ckpt, prefix, interval_s, log):
    return subprocess.Popen(
        [wcstream, "--host", "127.0.0.1", "--port", str(port), "--mode", "stateless,stateful", "--checkpoint", ckpt,
         "--output", prefix, "--batch", str(BATCH_MS / 1000), "--checkpoint-interval", str(interval_s),
         "--num", "1"], stdout=subprocess.DEVNULL, stderr=log)


def dump_checkpoint(dump, ckpt):
    out = subprocess.run([dump, ckpt], stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
    lines = out.split("\n")
    zero_ms = int(lines[0].split()[1])
    last_ms = int(lines[1].split()[1])
    totals = Counter()
    for line in lines[2:]:
        if line:
            word, count = line.split("\t")
            totals[word] = int(count)
    return zero_ms, last_ms, totals


def main():
    wcstream, dump = sys.argv[1], sys.argv[2]
    seed = int(os.environ.get("WCS_TEST_SEED", random.randrange(1 << 30)))
    print("seed", seed)
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="wcs-kill-")
    server = word_server(rng)
    deadline = time.monotonic() + 45
    try:
        ckpt = os.path.join(work, "ckpt")
        prefix = os.path.join(work, "out", "wc")
        log_path = os.path.join(work, "engine.log")
        kills = rng.randint(3, 5)
        with open(log_path, "wb") as log:
            for run in range(kills + 1):
                interval = rng.choice([0.2, 0.2, 0.4, 1.0])
                proc = start_engine(wcstream, server.port, ckpt, prefix, interval, log)
                time.sleep(rng.uniform(0.5, 2.0))
                assert proc.poll() is None, "wcstream exited early (rc %s): see %s" % (proc.returncode, log_path)
                if run < kills:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    print("run %d: killed (checkpoint interval %.1f s)" % (run, interval))
                else:
                    proc.send_signal(signal.SIGTERM)
                    rc = proc.wait(timeout=10)
                    assert rc == 0, "clean stop exited %d" % rc
                    print("run %d: stopped cleanly" % run)
                assert time.monotonic() < deadline, "too slow"

        zero_ms, last_ms, totals = dump_checkpoint(dump, ckpt)
        applied = range(zero_ms + BATCH_MS, last_ms + 1, BATCH_MS)
        summed = Counter()
        for t in applied:
            summed.update(read_batch_dir("%s-%d.stateless" % (prefix, t)))
        print("%d batches applied, %d words, %d distinct" % (len(applied), sum(totals.values()), len(totals)))
        assert sum(totals.values()) > 0, "nothing was counted"
        assert totals == summed, "totals differ from the sum of the applied batches: %s" % (
            sorted(((totals - summed) + (summed - totals)).items())[:10],)
        assert read_batch_dir("%s-%d.stateful" % (prefix, last_ms)) == totals, "last stateful output differs"
        with open(log_path, "rb") as f:
            resumed = f.read().count(b"resuming from the checkpoint")
        print("resumed from a checkpoint %d times" % resumed)
        assert resumed >= 1
        print("ok")
    except BaseException:
        print("kept for inspection:", work)
        raise
    else:
        shutil.rmtree(work)
    finally:
        server.close()


if __name__ == "__main__":
    main()
