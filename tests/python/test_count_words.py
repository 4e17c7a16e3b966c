"""wcstream.count_words and WordCounter against Python's str.split() and the wcstream binary."""

import ast
import os
import subprocess
import threading
from collections import Counter
from pathlib import Path

import pytest

import wcstream
from conftest import MALFORMED, frames, top


def python_counts(text: str):
    return dict(Counter(text.split()))


# Malformed bytes that Python's "replace" decoding replaces as the JDK does (every one but the
# encoded surrogate and the 5-byte form, where Python gives one U+FFFD per byte and the JDK fewer).
SAME_IN_PYTHON = [m for m in MALFORMED if m not in (b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80")]


def test_str_equals_split(generated):
    text = generated.decode("utf-8", "replace")
    assert wcstream.count_words(text) == python_counts(text)


def test_bytes_equal_split_where_python_decodes_as_the_jdk():
    data = b" a\xc3 b ".join(SAME_IN_PYTHON) + b"\r\nx\x85y\xe2\x80\xa8z\r" + "日本\u3000語".encode()
    assert wcstream.count_words(data) == python_counts(data.decode("utf-8", "replace"))


def test_encoded_surrogate_is_one_replacement():
    assert wcstream.count_words(b"a\xed\xa0\x80b \xed\xa0\x80") == {"a\ufffdb": 1, "\ufffd": 1}


def test_lines_equal_split(generated):
    lines = generated.decode("utf-8", "replace").splitlines()
    assert wcstream.count_words(iter(lines)) == python_counts("\n".join(lines))
    assert wcstream.count_words([line.encode() for line in lines]) == python_counts("\n".join(lines))


def test_pieces_anywhere_equal_the_whole(generated):
    whole = wcstream.count_words(generated)
    counter = wcstream.WordCounter(threads=2)
    cuts = list(range(0, len(generated), 997)) + [len(generated)]
    for a, b in zip(cuts, cuts[1:]):
        counter.add(memoryview(generated)[a:b])
    assert counter.counts() == whole
    assert counter.words == sum(whole.values())
    assert counter.backend in ("cpu", "cuda")
    counter.clear()
    assert counter.counts() == {} and counter.words == 0


def test_unterminated_line_waits_for_its_end():
    counter = wcstream.WordCounter()
    counter.add(b"ab")
    counter.add(bytearray(b"c d\ne"))
    counter.add("f")
    assert counter.counts() == {"abc": 1, "d": 1, "ef": 1}


def test_frames_equal_their_lines(generated):
    lines = generated.decode("utf-8", "replace").splitlines() + [""]
    data = frames(lines) + (-1).to_bytes(4, "big", signed=True) + b"after the end"
    counter = wcstream.WordCounter()
    used = 0
    for cut in range(0, len(data) - len(b"after the end") - 4, 4093):  # pieces ending mid-frame, as a buffer's
        n, end = counter.add_frames(memoryview(data)[used:cut])
        used += n
        assert not end
    n, end = counter.add_frames(data[used:])
    assert end and data[used + n :] == b"after the end"
    assert counter.counts() == python_counts("\n".join(lines))
    with pytest.raises(TypeError, match="not None"):
        wcstream.WordCounter().add_frames(frames(["a"]) + (-5).to_bytes(4, "big", signed=True))
    with pytest.raises(ValueError, match="frame length -3"):
        wcstream.WordCounter().add_frames((-3).to_bytes(4, "big", signed=True))


def test_bad_input_raises():
    with pytest.raises(TypeError, match="str or bytes, not int"):
        wcstream.count_words(["a", 3])
    with pytest.raises(TypeError):
        wcstream.count_words(42)
    with pytest.raises(UnicodeEncodeError):
        wcstream.count_words("lone \ud800 surrogate")
    with pytest.raises(TypeError, match="str or a bytes-like object"):
        wcstream.WordCounter().add(1.5)
    with pytest.raises(ValueError, match="backend must be"):
        wcstream.WordCounter("tpu")
    with pytest.raises(ValueError, match="threads"):
        wcstream.WordCounter(threads=0)
    with pytest.raises(ValueError, match="Arrow offsets"):
        wcstream.WordCounter().add_arrow(b"\0\0\0\0\x09\0\0\0", b"abc", 0, 1, False)
    with pytest.raises(ValueError, match="Arrow offsets"):
        wcstream.WordCounter().add_arrow(b"\0\0\0\0", b"abc", 0, 1, False)


def test_counting_releases_the_gil(generated):
    """Threads with a counter each finish with the right counts while the main thread runs Python."""
    big = generated * 20
    want = wcstream.count_words(big)
    results = []
    threads = [threading.Thread(target=lambda: results.append(wcstream.count_words(big, threads=1))) for _ in range(2)]
    for t in threads:
        t.start()
    ticks = 0
    while any(t.is_alive() for t in threads):
        ticks += 1
    for t in threads:
        t.join()
    assert results == [want, want] and ticks > 0


def binary():
    path = Path(os.environ.get("WCS_BUILD_DIR", top / "build")) / "host" / "cli" / "wcstream"
    if not path.exists():
        pytest.skip(f"no wcstream binary at {path} (build it first, or set WCS_BUILD_DIR)")
    return path


@pytest.mark.parametrize("name", ["generated", "reviews"])
def test_equals_the_binary(name, request, tmp_path):
    data = request.getfixturevalue(name)
    (tmp_path / "in.txt").write_bytes(data)
    subprocess.run(
        [binary(), "--file", tmp_path / "in.txt", "--batch-lines", "100000000", "--output", tmp_path / "out", "--log-level", "warn"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (part,) = tmp_path.glob("out-*/part-00000")
    pairs = [ast.literal_eval(line) for line in part.read_text(encoding="utf-8").splitlines()]
    assert wcstream.count_words(data) == dict(pairs)
