"""stdout of wcstream equals, byte for byte, what PySpark's pprint prints for the same batches
(computed here with Python's own str.split() and str(tuple)), with our record order."""
import os
import subprocess
import sys
import tempfile

from wcs_e2e import pprint_block, python_counts, synthetic_lines

START_MS = 1764000000000  # any multiple of the interval


def check(wcstream, lines, per_batch, num, interval_s, raw=None):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.txt")
        with open(path, "wb") as f:
            f.write(raw if raw is not None else ("\n".join(lines) + "\n").encode("utf-8"))
        run = subprocess.run([wcstream, "--file", path, "--batch-lines", str(per_batch), "--batch", str(interval_s),
                              "--start-ms", str(START_MS), "--num", str(num)],
                             capture_output=True, timeout=60, env=dict(os.environ, TZ="UTC"))
        assert run.returncode == 0, run.stderr
    interval_ms = int(round(interval_s * 1000))
    expected = ""
    for i in range(0, len(lines), per_batch):
        expected += pprint_block(START_MS + (i // per_batch) * interval_ms, python_counts(lines[i:i + per_batch]), num)
    os.environ["TZ"] = "UTC"
    got = run.stdout.decode("utf-8")
    if got != expected:
        for n, (a, b) in enumerate(zip(got.splitlines(), expected.splitlines())):
            if a != b:
                print("first difference at line %d:\n got      %r\n expected %r" % (n, a, b))
                break
        else:
            print("outputs differ in length: %d vs %d" % (len(got), len(expected)))
        return False
    return True


def main(wcstream):
    import time
    os.environ["TZ"] = "UTC"
    time.tzset()
    ok = check(wcstream, synthetic_lines(5000, seed=3), 700, 10, 10)
    ok = check(wcstream, synthetic_lines(300, seed=4), 40, 25, 0.5) and ok  # sub-second batch times
    ok = check(wcstream, synthetic_lines(50, seed=5), 50, 0, 1) and ok  # num=0: only '...'
    shared = os.environ.get("WCS_SHARED_DATA", "")
    reviews = os.path.join(shared, "reviews_musical_instruments_50.json")
    if os.path.exists(reviews):
        import json
        texts = []
        with open(reviews, encoding="utf-8") as f:
            for line in f:
                # A review text holding line ends becomes several lines, as tcp_server.py sends it.
                texts += json.loads(line)["reviewText"].splitlines() or [""]
        ok = check(wcstream, texts, 10, 10, 10) and ok
    else:
        print("note: ../shared/data not present, skipped the real-review case")
    # Malformed UTF-8 and control characters: Spark sees U+FFFD (JDK counts) and repr escapes.
    raw = b"a\xffb caf\xc3\xa9 \xed\xa0\x80 x\x00y \x7f q\xe2\x82\n\xc3b a\xffb\r\nzz\tzz\x1czz\n"
    decoded = ["a\ufffdb caf\u00e9 \ufffd x\x00y \x7f q\ufffd", "\ufffdb a\ufffdb", "zz\tzz\x1czz"]
    ok = check(wcstream, decoded, 2, 10, 10, raw=raw) and ok
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
