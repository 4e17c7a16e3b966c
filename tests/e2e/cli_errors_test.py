"""Bad arguments give one line on stderr and a non-zero exit, never a crash or a hang."""
import socket
import subprocess
import sys
import tempfile


def expect_error(cmd, fragment):
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    lines = [l for l in run.stderr.splitlines() if l.strip()]
    ok = run.returncode not in (0, -11, -6) and run.returncode > 0 and len(lines) == 1 and fragment in lines[0]
    print("%s %s -> %d %r" % ("ok  " if ok else "FAIL", " ".join(cmd[1:]), run.returncode, lines))
    return ok


def main(wcstream, replay):
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= expect_error([wcstream, "--mode", "bogus"], "unknown --mode")
        ok &= expect_error([wcstream, "--batch", "0"], "--batch")
        ok &= expect_error([wcstream, "--batch", "-1"], "--batch")
        ok &= expect_error([wcstream, "--batch", "abc"], "batch")
        ok &= expect_error([wcstream, "--mode", "window", "--batch", "3", "--window", "20", "--slide", "9",
                            "--checkpoint", tmp], "windowDuration must be multiple")
        ok &= expect_error([wcstream, "--mode", "stateful"], "checkpoint directory has not been set")
        ok &= expect_error([wcstream, "--wal", tmp + "/wal"], "--wal needs --checkpoint")
        ok &= expect_error([wcstream, "--checkpoint", tmp, "--wal", tmp + "/wal", "--no-wal"], "contradict")
        ok &= expect_error([wcstream, "--checkpoint", tmp, "--wal", tmp + "/wal", "--file", "-"], "its own log")
        ok &= expect_error([wcstream, "--file", tmp + "/missing.txt"], "missing.txt")
        ok &= expect_error([wcstream, "--port", "70000"], "port")
        ok &= expect_error([wcstream, "--no-such-flag"], "no-such-flag")
        ok &= expect_error([wcstream, "--num", "-1"], "--num")  # CLI11 would wrap it into a huge count
        ok &= expect_error([wcstream, "--batch-lines", "-5"], "--batch-lines")
        ok &= expect_error([replay, "--file", tmp + "/missing.json", "--port", "0"], "missing.json")
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with open(tmp + "/x.txt", "w") as f:
            f.write("x\n")
        ok &= expect_error([replay, "--file", tmp + "/x.txt", "--plain", "--host", "127.0.0.1", "--port", str(port)],
                           str(port))
        busy.close()
        ok &= expect_closed_stdout_ends_the_run(wcstream, tmp)
    return 0 if ok else 1


def expect_closed_stdout_ends_the_run(wcstream, tmp):
    """`wcstream | head`: when stdout closes, the engine stops with one line instead of running on."""
    path = tmp + "/many.txt"
    with open(path, "w") as f:
        f.write("word\n" * 200000)
    proc = subprocess.Popen([wcstream, "--file", path, "--batch-lines", "10", "--log-level", "warn"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    code = proc.wait(timeout=60)
    lines = [l for l in err.splitlines() if l.strip()]
    ok = code == 1 and len(lines) == 1 and "cannot write the output" in lines[0]
    print("%s closed stdout -> %d %r" % ("ok  " if ok else "FAIL", code, lines))
    return ok


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
