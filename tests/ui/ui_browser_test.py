"""The streaming page in headless Chromium: after a few batches of a live stream, the four charts hold
data points (each chart's data-points attribute, set when dygraphs draws) and the batch table has
rows; then a screenshot is taken (argument 3). Skips (77) when no Chromium is installed."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from ui_live import LiveStream
from wcs_e2e import synthetic_lines

CHARTS = ["chart-rate", "chart-delay", "chart-processing", "chart-total"]


def chromium(args, profile):
    browser = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])))
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. Virtual time lets the
    # page fetch and draw before the DOM is dumped or the screenshot taken.
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--user-data-dir=" + profile, "--virtual-time-budget=4000"] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main(wcstream, replay, screenshot):
    if not any(map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])):
        print("SKIP: no Chromium installed (scripts/install-deps.sh installs it unless WCS_NO_BROWSER=1)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "input.txt")
        with open(text, "w", encoding="utf-8") as f:
            f.write("\n".join(synthetic_lines(20_000)) + "\n")
        stream = LiveStream(wcstream, replay, text, 20000, ["--batch", "0.25", "--mode", "stateless,window",
                                                             "--window", "1", "--slide", "0.5", "--no-inverse"],
                            repeat=100)
        try:
            deadline = time.monotonic() + 60
            while len(stream.json("/api/v1/batches")["batches"]) < 12 and time.monotonic() < deadline:
                time.sleep(0.2)
            page = chromium(["--dump-dom", stream.url + "/"], os.path.join(tmp, "profile"))
            assert page.returncode == 0, page.stderr
            dom = page.stdout
            for chart in CHARTS:
                m = re.search(r'id="%s"[^>]*data-points="(\d+)"' % chart, dom)
                assert m and int(m.group(1)) >= 2, "chart %s drew no data:\n%s" % (chart, dom[:4000])
            body = re.search(r'<table id="batches">.*?<tbody>(.*?)</tbody>', dom, re.S)
            rows = body.group(1).count("<tr>") if body else 0
            assert rows >= 2, "the batch table has %d rows" % rows
            assert "connected" in dom and "window" in dom, "receiver state or views missing"
            shot = chromium(["--window-size=1280,1000", "--screenshot=" + screenshot, stream.url + "/"],
                            os.path.join(tmp, "profile"))
            assert shot.returncode == 0 and os.path.getsize(screenshot) > 10_000, shot.stderr
        finally:
            stream.stop()
    print("ok: 4 charts with data, %d table rows; screenshot %s" % (rows, screenshot))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
