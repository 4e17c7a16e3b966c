"""wcs-replay's progress line: shown on a terminal (redrawn in place), forced by --progress into a
pipe (one line a second), hidden by --quiet and by default when stderr is not a terminal."""
import os
import pty
import re
import socket
import subprocess
import sys
import tempfile
import threading

PROGRESS = re.compile(r"wcs-replay: sent (\d+) lines, [\d.]+ MB in \d+ s; \d+ lines/s, pass (\d) of 2, ([\d.]+)% of the file")


def replay(binary, text, extra, stderr):
    proc = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", "0", "--file", text, "--plain", "--repeat", "2",
                             "--clients", "1", "--wait", "30"] + extra, stderr=stderr, stdout=subprocess.DEVNULL)
    return proc


def drain(port):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        while s.recv(1 << 16):
            pass


def read_tty(master, log, ready):
    """Collects what the process writes to its terminal; sets `ready` once it reported its port."""
    while True:
        try:
            chunk = os.read(master, 1 << 12)
        except OSError:  # EIO: the process closed the terminal
            chunk = b""
        if not chunk:
            break
        log.append(chunk.decode(errors="replace"))
        if "listening on" in "".join(log):
            ready.set()
    os.close(master)


def port_of(read_line):
    while True:
        line = read_line()
        assert line, "wcs-replay did not report its port"
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            return int(m.group(1))


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "lines.txt")
        with open(text, "w") as f:
            f.writelines("line %d of the file\n" % i for i in range(3000))
        # 6,000 lines at 2,500 lines/s: about 2.4 s, so two or more progress lines.
        paced = ["--rate", "2500"]

        forced = replay(binary, text, paced + ["--progress"], subprocess.PIPE)
        master, slave = pty.openpty()
        tty = replay(binary, text, paced, slave)
        os.close(slave)
        tty_log = []
        tty_ready = threading.Event()
        reader = threading.Thread(target=read_tty, args=(master, tty_log, tty_ready), daemon=True)
        reader.start()
        assert tty_ready.wait(30), "wcs-replay on a terminal did not report its port"
        tty_port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", "".join(tty_log)).group(1))
        clients = [threading.Thread(target=drain, args=(p,)) for p in (port_of(lambda: forced.stderr.readline().decode()), tty_port)]
        for c in clients:
            c.start()
        forced_log = forced.stderr.read().decode()
        for c in clients:
            c.join()
        assert forced.wait(timeout=30) == 0 and tty.wait(timeout=30) == 0
        reader.join(timeout=10)

        lines = [PROGRESS.search(line) for line in forced_log.splitlines()]
        found = [m for m in lines if m]
        assert len(found) >= 2, forced_log
        assert "\r" not in forced_log, "a pipe got a redrawn line"
        assert [int(m.group(1)) for m in found] == sorted(int(m.group(1)) for m in found), forced_log
        assert any(m.group(2) == "2" for m in found), "no line in the second pass:\n" + forced_log
        tty_text = "".join(tty_log)
        assert PROGRESS.search(tty_text) and "\r" in tty_text, repr(tty_text)
        assert "client 127.0.0.1" in tty_text and "done: sent 6000 lines" in tty_text, repr(tty_text)

        for flags in (["--quiet"], []):  # --quiet, and a pipe by default: no progress at all
            proc = replay(binary, text, ["--delay", "0"] + flags, subprocess.PIPE)
            drain(port_of(lambda: proc.stderr.readline().decode()))
            log = proc.stderr.read().decode()
            assert proc.wait(timeout=30) == 0 and "wcs-replay: sent" not in log, (flags, log)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
