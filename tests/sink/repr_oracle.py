#!/usr/bin/env python3
"""Compares wcs-repr-dump with Python's own str((word, 1)) for every code point and many mixtures.

Usage: repr_oracle.py PATH_TO_WCS_REPR_DUMP. Words go one per line, so none holds \\n or \\r (the
gtest covers those); surrogates cannot be encoded as UTF-8 and never reach the sink.
"""
import itertools
import random
import subprocess
import sys

LINE_BREAKS = {0x0A, 0x0D}


def encodable(cp):
    return cp not in LINE_BREAKS and not 0xD800 <= cp <= 0xDFFF


def words():
    # Every code point alone: covers all of U+0000-U+024F and every plane, assigned or not.
    out = [chr(cp) for cp in range(0x110000) if encodable(cp)]
    out.append("")
    # Quote choice and escaping interact: all short mixtures of quotes, backslash and neighbours.
    pieces = ["'", '"', "\\", "a", "\u00e9", "\x00", "\u200b", "\t", "\U0001f600"]
    for n in range(1, 5):
        out.extend("".join(p) for p in itertools.product(pieces, repeat=n))
    # A fixed seed keeps failures reproducible.
    rng = random.Random(20261123)
    ascii_printable = [chr(c) for c in range(0x20, 0x7F)]
    specials = ["'", '"', "\\", "\x7f", "\x00", "\x1b", "\t", "\u00ad", "\ufeff", "\u2028"]

    def any_char():
        while True:
            cp = rng.randrange(0x110000)
            if encodable(cp):
                return chr(cp)

    def bmp_char():
        while True:
            cp = rng.randrange(0x10000)
            if encodable(cp):
                return chr(cp)

    pools = [lambda: rng.choice(ascii_printable), lambda: rng.choice(specials), any_char, bmp_char]
    for _ in range(50000):
        n = rng.randint(1, 12)
        out.append("".join(rng.choices(pools, weights=[5, 1, 2, 2])[0]() for _ in range(n)))
    return out


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: repr_oracle.py PATH_TO_WCS_REPR_DUMP")
    ws = words()
    data = "".join(w + "\n" for w in ws).encode("utf-8")
    got = subprocess.run([sys.argv[1]], input=data, stdout=subprocess.PIPE, check=True).stdout
    got_lines = got.split(b"\n")
    if got_lines[-1] != b"":
        raise SystemExit("dump output does not end with a newline")
    got_lines.pop()
    if len(got_lines) != len(ws):
        raise SystemExit(f"{len(ws)} words in, {len(got_lines)} lines out")
    for i, (w, line) in enumerate(zip(ws, got_lines)):
        expected = str((w, 1)).encode("utf-8")
        if line != expected:
            code_points = " ".join(f"U+{ord(c):04X}" for c in w)
            raise SystemExit(f"word #{i} [{code_points}]: expected {expected!r}, got {line!r}")
    print(f"repr oracle: {len(ws)} words match Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
