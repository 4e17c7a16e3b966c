"""Stateful/window start-up errors of the real binary: one line on stderr, and exit code 2 for invalid
command lines (Spark's messages), 1 for an unusable checkpoint directory.

usage: cli_state_errors_test.py WCSTREAM
"""
import os
import shutil
import subprocess
import sys
import tempfile


def run(cmd):
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)


def expect_error(cmd, code, needle):
    r = run(cmd)
    err = r.stderr.decode("utf-8", "replace")
    last = err.rstrip("\n").split("\n")[-1]
    ok = r.returncode == code and needle in last and last.startswith("wcstream: error: ")
    if code == 2:
        ok = ok and err.count("\n") == 1  # nothing else was logged: refused before starting
    print("%s %s -> %d: %s" % ("ok  " if ok else "FAIL", " ".join(cmd[1:]), r.returncode, last))
    return ok


def main():
    wcstream = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="wcs-cli-state-")
    ckpt = os.path.join(tmp, "ckpt")
    words = os.path.join(tmp, "words.txt")
    with open(words, "w") as f:
        f.write("a b a\n")
    try:
        ok = True
        ok &= expect_error([wcstream, "--mode", "window", "--batch", "3", "--window", "20", "--slide", "9",
                            "--checkpoint", ckpt],
                           2, "windowDuration must be multiple of the parent dstream's slide (batch) duration (3000 ms)")
        ok &= expect_error([wcstream, "--mode", "window", "--batch", "2", "--window", "20", "--slide", "3",
                            "--checkpoint", ckpt],
                           2, "slideDuration must be multiple of the parent dstream's slide (batch) duration (2000 ms)")
        ok &= expect_error([wcstream, "--mode", "window", "--window", "10", "--slide", "20", "--checkpoint", ckpt],
                           2, "slideDuration (20000 ms) must not be longer than windowDuration (10000 ms)")
        ok &= expect_error([wcstream, "--mode", "stateful"], 2, "The checkpoint directory has not been set")
        ok &= expect_error([wcstream, "--mode", "stateless,window"], 2, "The checkpoint directory has not been set")
        ok &= expect_error([wcstream, "--mode", "stateful", "--batch", "10", "--checkpoint", ckpt,
                            "--checkpoint-interval", "15"],
                           2, "--checkpoint-interval (15000 ms) must be a multiple of the batch interval (10000 ms)")
        # invFunc=None needs no checkpoint in Spark, nor here.
        r = run([wcstream, "--mode", "window", "--no-inverse", "--file", words, "--batch-lines", "1"])
        print("%s window --no-inverse without --checkpoint -> %d" % ("ok  " if r.returncode == 0 else "FAIL", r.returncode))
        ok &= r.returncode == 0

        # A checkpoint made with other parameters, then one that is corrupt: errors, never a fresh start.
        base = [wcstream, "--file", words, "--batch-lines", "1", "--start-ms", "1000", "--checkpoint", ckpt]
        r = run(base + ["--mode", "stateful", "--batch", "1"])
        ok &= r.returncode == 0 and os.path.exists(os.path.join(ckpt, "checkpoint-1000.wcs"))
        ok &= expect_error(base + ["--mode", "stateful", "--batch", "2"], 1,
                           "was made with batch 1000 ms, modes stateful; this run asks for batch 2000 ms, modes stateful")
        with open(os.path.join(ckpt, "checkpoint-1000.wcs"), "r+b") as f:
            f.seek(30)
            f.write(b"\xff")
        ok &= expect_error(base + ["--mode", "stateful", "--batch", "1"], 1, "no valid checkpoint in")
        if not ok:
            sys.exit(1)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
