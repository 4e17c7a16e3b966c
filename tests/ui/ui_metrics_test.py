"""The live view during a run: /metrics parses with prometheus-client's text parser and its counters
reach exactly what was sent, /api/v1/batches matches the batches the engine logged, only the
embedded assets are served (everything else is 404), the default bind is loopback, a busy port moves
the UI to the next one as Spark does, and --no-ui serves nothing while printing the same batches."""
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse

from prometheus_client.parser import text_string_to_metric_families

from ui_live import LiveStream, STARTED
from wcs_e2e import synthetic_lines

LINES = 6_000


def scrape(stream):
    """{sample name + labels: value} of one /metrics scrape, through prometheus-client's parser."""
    samples = {}
    for family in text_string_to_metric_families(stream.get("/metrics")):
        for s in family.samples:
            labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
            samples[s.name + ("{%s}" % labels if labels else "")] = s.value
    return samples


def check_live_run(wcstream, replay, text, words):
    # 6,000 lines at 4,000 lines/s: about 1.5 s of stream in 0.2 s batches.
    stream = LiveStream(wcstream, replay, text, 4000, ["--batch", "0.2"])
    try:
        scrapes = [scrape(stream)]
        deadline = time.monotonic() + 60
        while scrapes[-1].get("wcstream_lines_total", 0) < LINES and time.monotonic() < deadline:
            time.sleep(0.1)
            scrapes.append(scrape(stream))
        last = scrapes[-1]
        assert last["wcstream_lines_total"] == LINES, last
        assert last["wcstream_words_total"] == words, last
        assert last["wcstream_bytes_total"] == os.path.getsize(text), last
        assert last["wcstream_receiver_bytes_total"] == os.path.getsize(text), last
        counters = [k for k in last if k.endswith("_total")]
        for before, after in zip(scrapes, scrapes[1:]):
            assert all(before.get(k, 0) <= after[k] for k in counters), "a counter went down"
        assert last["wcstream_batch_processing_seconds_count"] == last["wcstream_batches_total"], last
        assert last["wcstream_batch_processing_seconds_bucket{le=+Inf}"] == last["wcstream_batches_total"], last
        assert last["wcstream_view_distinct_keys{view=stateless}"] > 0, last
        assert last["wcstream_resident_memory_bytes"] > 1e6, last
        status = stream.json("/api/v1/status")
        assert status["totals"]["lines"] == LINES and status["views"][0]["top"], status
        api = stream.json("/api/v1/batches")["batches"]

        # Unknown paths, and paths that name files outside the embedded assets, answer 404.
        host, port = urllib.parse.urlsplit(stream.url).netloc.rsplit(":", 1)
        for path in ["/nope", "/static/../../../../etc/passwd", "/static/", "/index.html/..", "/api/v1/"]:
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            conn.request("GET", path)
            status_code = conn.getresponse().status
            conn.close()
            assert status_code == 404, (path, status_code)
        for path in ["/", "/static/app.js", "/static/dygraph.min.js", "/static/LICENSE.dygraphs.txt"]:
            assert stream.get(path), path
    finally:
        stream.stop()
    logged = stream.logged_batches()
    # The API's batches are the logged ones (SIGTERM closed one more after the last scrape).
    assert [(b["batch_ms"], b["lines"], b["words"], b["distinct"]) for b in api] == logged[:len(api)], (api, logged)
    assert sum(b[1] for b in logged) == LINES
    assert any("Bound wcstreamUI to 127.0.0.1," in line for line in stream.log), "the default bind is not loopback"
    print("live run: %d scrapes, %d batches in the API, %d logged" % (len(scrapes), len(api), len(logged)))


def check_ports(wcstream, text):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run([wcstream, "--file", text, "--batch-lines", "1000", "--ui-port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "Service 'wcstreamUI' could not bind on port %d. Attempting port %d." % (port, port + 1) in run.stderr, run.stderr
    bound = [STARTED.search(line) for line in run.stderr.splitlines()]
    assert any(m and m.group(2).startswith("http://127.0.0.1:") for m in bound), run.stderr

    quiet = subprocess.run([wcstream, "--file", text, "--batch-lines", "1000", "--no-ui"], capture_output=True,
                           text=True, timeout=60)
    assert quiet.returncode == 0 and "wcstreamUI" not in quiet.stderr, quiet.stderr
    assert quiet.stdout == run.stdout, "the UI changed what is printed"

    bad = subprocess.run([wcstream, "--file", text, "--ui-port", "70000"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--ui-port 70000" in bad.stderr, bad.stderr


def main(wcstream, replay):
    lines = synthetic_lines(LINES)
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "input.txt")
        with open(text, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        check_ports(wcstream, text)
        check_live_run(wcstream, replay, text, sum(len(line.split()) for line in lines))
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
