"""Shared helpers for the end-to-end tests: Python's own word count and pprint, used as the oracle."""
import ast
import datetime
import os
import random
import re
import subprocess
from collections import Counter


def python_counts(lines):
    """PySpark's flatMap(split) + reduceByKey(+) on decoded lines."""
    return Counter(w for line in lines for w in line.split())


def ordered(counter):
    """Our documented record order: count descending, then word by code point."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def pprint_block(batch_ms, counter, num=10):
    """What PySpark's DStream.pprint(num) prints for one batch, with our record order."""
    t = datetime.datetime.fromtimestamp(batch_ms / 1000.0)
    out = ["-------------------------------------------", "Time: %s" % t, "-------------------------------------------"]
    records = ordered(counter)
    out += [str(r) for r in records[:num]]
    if len(records) > num:
        out.append("...")
    out.append("")
    return "\n".join(out) + "\n"


def read_text_outputs(prefix, suffix=""):
    """{batch_ms: Counter} from saveAsTextFiles directories PREFIX-<ms>[.suffix]."""
    parent, base = os.path.split(prefix)
    pattern = re.compile(re.escape(base) + r"-(\d+)" + (re.escape("." + suffix) if suffix else "") + "$")
    batches = {}
    for name in os.listdir(parent or "."):
        m = pattern.match(name)
        if not m:
            continue
        batches[int(m.group(1))] = read_batch_dir(os.path.join(parent, name))
    return batches


def read_batch_dir(directory):
    """Counter of one complete saveAsTextFiles batch directory (one str(record) per line)."""
    assert os.path.exists(os.path.join(directory, "_SUCCESS")), directory
    c = Counter()
    with open(os.path.join(directory, "part-00000"), encoding="utf-8") as f:
        for line in f:
            word, count = ast.literal_eval(line)
            assert word not in c, (directory, word)
            c[word] = count
    return c


def synthetic_lines(n, seed=7):
    """Review-like lines with Unicode words and whitespace, valid UTF-8."""
    rng = random.Random(seed)
    vocab = ["the", "a", "guitar", "string", "cable.", "sound", "I", "don't", "\"great\"", "café", "naïve", "日本",
             "🎸", "pedal", "amp", "a\u200bb", "tone", "price", "x\\y", "Buy", "it!"]
    spaces = [" ", " ", " ", "  ", "\t", "\u00a0", "\u3000", "\u2003"]
    lines = []
    for _ in range(n):
        words = [vocab[min(int(rng.paretovariate(1.2)) - 1, len(vocab) - 1)] for _ in range(rng.randint(0, 14))]
        line = ""
        for w in words:
            line += w + rng.choice(spaces)
        lines.append(line)
    return lines


def start_replay(replay_bin, args):
    """Starts wcs-replay on an ephemeral loopback port; returns (process, port)."""
    proc = subprocess.Popen([replay_bin, "--host", "127.0.0.1", "--port", "0"] + args, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:
        m = re.search(r"wcs-replay: listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
    raise AssertionError("wcs-replay did not report its port")
