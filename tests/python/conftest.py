"""Shared inputs and Spark sessions for the Python package's tests (run by scripts/test.sh)."""

import os
import random
from pathlib import Path

import pytest

top = Path(__file__).resolve().parents[2]

# Whitespace for str.split() beyond ASCII's, characters that are not (non-printables, BOM, NUL), and
# malformed UTF-8: lone continuation bytes, truncated sequences, overlong forms, encoded surrogates
# (one U+FFFD for the JDK, three for Python), bytes that never occur in UTF-8.
UNICODE_SPACES = ["\u00a0", "\u1680", "\u2002", "\u2028", "\u2029", "\u3000", "\x85", "\x1c", "\x1f", "\x0b", "\x0c"]
NOT_SPACES = ["\x00", "\x7f", "\u200b", "\ufeff", "\x01", "\u0301", "é", "日本", "🎸"]
MALFORMED = [b"\x80", b"\xbf\xbf", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x8e", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff", b"\xf8\x88\x80\x80\x80"]
LINE_ENDS = [b"\n", b"\r", b"\r\n"]


def generated_text(lines=4000, seed=7):
    """Bytes of `lines` lines mixing words, Unicode whitespace, non-printables and malformed UTF-8."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(300)] + ["Word", "word", "ünïcödé", "naïve"]
    out = bytearray()
    for _ in range(lines):
        for _ in range(rng.randrange(0, 12)):
            r = rng.random()
            if r < 0.6:
                out += rng.choice(vocabulary).encode()
            elif r < 0.75:
                out += rng.choice(NOT_SPACES).encode()
            elif r < 0.85:
                out += rng.choice(MALFORMED)
            else:
                out += rng.choice(UNICODE_SPACES).encode()
            out += rng.choice([b" ", b"  ", b"\t", b""]) if rng.random() < 0.8 else rng.choice(UNICODE_SPACES).encode()
        out += rng.choice(LINE_ENDS)
    return bytes(out)


def sample_reviews():
    """The sample reviews: ../shared/data when present, else make-corpus.sh's."""
    shared = top.parent / "shared" / "data" / "reviews_musical_instruments_50.json"
    if shared.exists():
        return shared.read_bytes()
    made = top / "corpus" / "sample_reviews.json"
    if not made.exists():
        pytest.skip("no sample reviews: run scripts/make-corpus.sh or provide ../shared/data")
    return made.read_bytes()


def frames(lines):
    """Lines framed as Spark's JVM sends strings to a Python worker: 4-byte big-endian length, UTF-8."""
    return b"".join(len(b).to_bytes(4, "big") + b for b in (line.encode() for line in lines))


@pytest.fixture(scope="session")
def generated():
    return generated_text()


@pytest.fixture(scope="session")
def reviews():
    return sample_reviews()


def spark_session(master):
    """A SparkSession on this machine only (loopback), with the package importable in executors."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", __import__("sys").executable))
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("wcstream-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.memory", "512m")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .getOrCreate()
    )
