"""Bad input: an endless line with no line end (memory stays bounded), gigantic words, NUL bytes,
random binary over the socket, and malformed JSON in the replay server's file. None crashes, and
nothing after the bad input is lost: the sum of the batch outputs equals Python's count of the same
bytes, decoded as the JDK decodes them (README: Decoding; Very long lines for words beyond a buffer)."""
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

from wcs_e2e import python_counts, read_text_outputs, start_replay

MB = 1 << 20
# Sanitizer builds (scripts/sanitize.sh) carry shadow memory: their RSS says nothing about ours.
SANITIZED = "WCS_SANITIZED" in os.environ


def jdk_words(data):
    """Python's str.split() over bytes decoded as the JDK decodes them: an encoded surrogate (ED A0..BF,
    with or without its last byte) is one U+FFFD where Python makes one per byte; otherwise they agree."""
    return Counter(re.sub(rb"\xed[\xa0-\xbf][\x80-\xbf]?", b"\xff", data).decode("utf-8", "replace").split())


def serve_once(chunks):
    """A loopback server that sends `chunks` to its first client, then closes; returns its port."""
    listener = socket.create_server(("127.0.0.1", 0))

    def run():
        conn, _ = listener.accept()
        with conn:
            for c in chunks:
                conn.sendall(c)
        listener.close()

    threading.Thread(target=run, daemon=True).start()
    return listener.getsockname()[1]


def peak_rss_mb(pid):
    """The process's peak resident memory so far (VmHWM; rusage would count the Python parent's)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0


def run_engine(wcstream, port, tmp, extra=()):
    """wcstream until the server closes: (exit code, stderr, summed batch counts, peak RSS in MiB)."""
    prefix = os.path.join(tmp, "out", "wc")
    err_path = os.path.join(tmp, "stderr.txt")
    with open(err_path, "w") as err:
        proc = subprocess.Popen([wcstream, "--host", "127.0.0.1", "--port", str(port), "--batch", "0.5",
                                 "--exit-on-eof", "--output", prefix, "--num", "1", "--log-level", "warn", *extra],
                                stdout=subprocess.DEVNULL, stderr=err)
        rss = 0
        while proc.poll() is None:
            rss = max(rss, peak_rss_mb(proc.pid))
            time.sleep(0.02)
    with open(err_path) as f:
        stderr = f.read()
    total = Counter()
    for c in read_text_outputs(prefix).values():
        total.update(c)
    shutil.rmtree(os.path.dirname(prefix))
    return proc.returncode, stderr, total, rss


def report(name, ok, detail):
    print("%s %s: %s" % ("ok  " if ok else "FAIL", name, detail))
    return ok


def check_stream(name, wcstream, tmp, data, expected=None, extra=(), rss_limit_mb=None):
    code, stderr, total, rss = run_engine(wcstream, serve_once([data]), tmp, extra)
    expected = jdk_words(data) if expected is None else expected
    ok = code == 0 and total == expected
    detail = "exit %d, %d words, peak RSS %.0f MiB" % (code, sum(total.values()), rss)
    if total != expected:
        detail += ", missing %s, extra %s" % (list((expected - total).items())[:3], list((total - expected).items())[:3])
    if code != 0:
        detail += ", stderr %r" % stderr[-300:]
    if rss_limit_mb is not None and not SANITIZED:
        ok = ok and rss < rss_limit_mb
        detail += " (limit %d MiB)" % rss_limit_mb
    return report(name, ok, detail)


TAIL = b"\nthe rest of the stream\nis counted too\n"


def endless_line(wcstream, tmp):
    """64 MiB without a line end, in a 16 MiB ring: cut into parts after whitespace, memory bounded."""
    piece = b"".join(b"endless%d " % i for i in range(1000))
    data = piece * (64 * MB // len(piece)) + TAIL
    return check_stream("endless line (64 MiB, no line end)", wcstream, tmp, data, rss_limit_mb=96)


def gigantic_words(wcstream, tmp):
    """A 1.5 MiB word fits a 2 MiB buffer and is counted whole. A 5 MiB word does not: it is cut into
    pieces between units (README), which together hold all its bytes; every other word is exact."""
    ok = check_stream("1.5 MiB word", wcstream, tmp, b"before " + b"g" * (3 * MB // 2) + b" after" + TAIL)
    big = "\u00e9" * (5 * MB // 2)  # 2-byte units: a cut must not split one
    data = b"before\n" + big.encode() + TAIL
    code, _, total, _ = run_engine(wcstream, serve_once([data]), tmp)
    pieces = {w: c for w, c in total.items() if set(w) == {"\u00e9"}}
    rest = Counter({w: c for w, c in total.items() if w not in pieces})
    ok &= report("5 MiB word", code == 0 and sum(len(w) * c for w, c in pieces.items()) == len(big)
                 and len(pieces) >= 2 and rest == jdk_words(b"before" + TAIL),
                 "exit %d, %d pieces" % (code, sum(pieces.values())))
    return ok


def nul_bytes(wcstream, tmp):
    data = b"a\x00b \x00 \x00\x00\nword\x00\n\x00\n" * 1000 + TAIL
    return check_stream("NUL bytes", wcstream, tmp, data)


def random_binary(wcstream, tmp):
    rng = random.Random(25)
    data = rng.randbytes(2 * MB) + TAIL
    return check_stream("2 MiB of random bytes", wcstream, tmp, data)


def malformed_json(wcstream, replay, tmp):
    """The replay server skips records Python's json.loads would reject (or without a string "reviewText")
    and sends every other one: the engine counts exactly the good records' words."""
    good = ['{"reviewText": "good line %d with words"}' % i for i in range(200)]
    bad = ['{"reviewText": "unterminated', '{text: 1}', '{"text": 12}', '[1, 2]', '', 'not json at all',
           '{"reviewText": "x"} trailing', '{"other": "y"}', '\x00\x01\x02', '{"text": "bad \\escape"}', '{"text": "\udcff"}']
    lines = []
    for i, g in enumerate(good):
        lines.append(g)
        lines.append(bad[i % len(bad)])
    lines.append('{"reviewText": "caf\\u00e9 \\"quoted\\" \\ud83c\\udfb8 end"}')
    path = os.path.join(tmp, "reviews.json")
    with open(path, "wb") as f:
        f.write("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    expected_lines = []
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            try:
                text = json.loads(raw.decode("utf-8"))["reviewText"]
            except (ValueError, TypeError, KeyError):
                continue
            if isinstance(text, str):
                expected_lines.append(text)
    server, port = start_replay(replay, ["--file", path, "--delay", "0", "--clients", "1", "--wait", "30"])
    threading.Thread(target=server.stderr.read, daemon=True).start()
    code, stderr, total, _ = run_engine(wcstream, port, tmp)
    server.wait(timeout=30)
    expected = python_counts(expected_lines)
    return report("malformed JSON in the replay file", code == 0 and server.returncode == 0 and total == expected,
                  "engine exit %d, server exit %d, %d of %d records sent, %d words" %
                  (code, server.returncode, len(expected_lines), len(lines), sum(total.values())))


def main(wcstream, replay):
    with tempfile.TemporaryDirectory() as tmp:
        ok = endless_line(wcstream, tmp)
        ok &= gigantic_words(wcstream, tmp)
        ok &= nul_bytes(wcstream, tmp)
        ok &= random_binary(wcstream, tmp)
        ok &= malformed_json(wcstream, replay, tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
