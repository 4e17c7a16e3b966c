"""Shared helpers for the live view's tests: a paced stream into wcstream, and its UI's address."""
import json
import re
import subprocess
import threading
import urllib.request

from wcs_e2e import start_replay

STARTED = re.compile(r"Bound wcstreamUI to (\S+), and started at (http://\S+)")
BATCH = re.compile(r"batch (\d+) \(.*\): (\d+) lines, (\d+) words, (\d+) distinct")


class LiveStream:
    """wcs-replay sending `text` at `rate` lines/s to a wcstream whose UI listens on a free port. The
    engine's stderr is collected in `log`; `url` is the UI's address as the engine logged it."""

    def __init__(self, wcstream, replay, text, rate, engine_args=(), repeat=1):
        self.replay, port = start_replay(replay, ["--file", text, "--plain", "--rate", str(rate), "--repeat",
                                                  str(repeat), "--clients", "1", "--wait", "60"])
        threading.Thread(target=self.replay.stderr.read, daemon=True).start()
        self.engine = subprocess.Popen([wcstream, "--host", "127.0.0.1", "--port", str(port), "--ui-port", "0"] +
                                       list(engine_args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.log = []
        self.url = None
        for line in self.engine.stderr:
            self.log.append(line)
            m = STARTED.search(line)
            if m:
                self.url = m.group(2)
                break
        assert self.url, "wcstream did not report its UI:\n" + "".join(self.log)
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()
        self.stdout = []
        self._out_reader = threading.Thread(target=lambda: self.stdout.extend(self.engine.stdout), daemon=True)
        self._out_reader.start()

    def _collect(self):
        for line in self.engine.stderr:
            self.log.append(line)

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return r.read().decode("utf-8")

    def json(self, path):
        return json.loads(self.get(path))

    def stop(self):
        """Ends the engine as a user does (SIGTERM: it closes the open batch) and waits for both."""
        self.engine.terminate()
        self.engine.wait(timeout=60)
        self._reader.join(timeout=10)
        self._out_reader.join(timeout=10)
        self.replay.kill()
        self.replay.wait(timeout=10)

    def logged_batches(self):
        """[(batch_ms, lines, words, distinct)] as the engine logged them."""
        return [tuple(int(g) for g in m.groups()) for m in map(BATCH.search, self.log) if m]
