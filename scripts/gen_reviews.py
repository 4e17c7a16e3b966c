#!/usr/bin/env python3
"""Synthetic product reviews as JSON lines, in the format of the Amazon review data the tutorial's
server replays (one object per line, the text in "reviewText"). Python standard library only.

Words follow a Zipf law (s = 1.1) over a vocabulary of common review words extended with generated
pseudo-words; review lengths are lognormal (mean ~60 words); a share of words is non-ASCII (accented,
Cyrillic, Greek, CJK, emoji), and some reviews hold a no-break or ideographic space, which Python's
str.split() treats as whitespace. The same seed gives the same bytes.

    gen_reviews.py --lines 1000 --out reviews.json
    gen_reviews.py --mb 40 --seed 7 > reviews.json
"""

import argparse
import datetime
import itertools
import json
import math
import random
import sys

# Roughly in order of frequency in real reviews: the head of the Zipf curve.
COMMON_WORDS = """
the I and a to it is this for of my with that in on you was but not have are as so
be one they great good use can just very if or at like well all sound from would
when an really it's me get works only out do up had more than there guitar has will
also price quality no about product these what your other them strings which been
much better little some time any buy even because used easy nice too set does
bought don't work play make pedal need made after first amp tone could were
love off cable into recommend while want over should how most way i'm
new sure then two its still can't back few long case stand worth
years using without never before strap lot fine small enough perfect
sounds playing right money mic tuner got cheap another now same bit
high low looking looks hard tried find ever around pretty review through each
keep again since though both us we he she his her who job value
feel feels top bottom side hand light heavy solid build built inside volume
capo picks pick neck string fret frets bridge body acoustic electric bass
drum drums keyboard piano microphone stage studio home recording gig band
cord plug jack power battery batteries noise hum buzz clean clear warm bright
happy satisfied disappointed returned return broke broken cheaply sturdy
durable comfortable quick fast slow shipping arrived box package packaging
amazon seller star stars five four three rating excellent awesome
beautiful terrible awful okay decent expected expect exactly perfectly
definitely probably maybe actually especially basically highly totally
simple simply different original replacement extra spare older newer
last next many every something nothing everything anything someone
size length foot feet inch inches weight color black white red blue
gold silver metal plastic wood wooden rubber leather soft tight loose
easily quickly properly nicely constantly
""".split()

# Whole non-ASCII words, as found in real text: accents, other scripts, symbols and emoji.
NON_ASCII_WORDS = """
café naïve résumé über señor façade jalapeño crème brûlée Zoë São Paulo Köln Ångström
déjà vu coöperate fiancée piñata Beyoncé Motörhead Mötley naïveté doppelgänger
Привет хорошо гитара звук спасибо отлично Ελληνικά καλό μουσική ήχος
日本語 中文 한국어 音楽 ギター 良い 很好 吉他 声音 기타 좋아요
😀 🎸 👍 ❤️ ✨ 🎵 🎶 🔥 👌 🙂 ★★★★★ ½ — … “quoted” ‘single’ °C µF ±5 €20 £15 ¥300
""".split()

ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
          "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "str", "th", "tr"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "y"]
CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "ck", "ng", "nd", "st", "x"]

SPACES = ["\u00a0", "\u3000"]  # no-break space and ideographic space: str.split() separators
ENDINGS = [".", ".", ".", ".", "!", "!", "?", "..."]
ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def build_vocab(size, rng):
    """The common words first (the frequent ranks), then pseudo-words for the long tail."""
    vocab = list(dict.fromkeys(COMMON_WORDS))[:size]
    seen = set(vocab)
    while len(vocab) < size:
        syllables = rng.choices((1, 2, 3), weights=(3, 5, 2))[0]
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(CODAS)
        if word not in seen:
            seen.add(word)
            vocab.append(word)
    return vocab


def zipf_cum_weights(n, s):
    return list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, n + 1)))


class ReviewMaker:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.vocab = build_vocab(args.vocab, self.rng)
        self.cum = zipf_cum_weights(len(self.vocab), args.zipf)
        self.non_ascii = args.non_ascii
        # A lognormal with this mu has mean exactly args.mean_words.
        self.sigma = 0.7
        self.mu = math.log(args.mean_words) - self.sigma ** 2 / 2
        self.day0 = 1262304000  # 2010-01-01

    def text(self):
        rng = self.rng
        n = max(1, int(rng.lognormvariate(self.mu, self.sigma)))
        words = rng.choices(self.vocab, cum_weights=self.cum, k=n)
        if self.non_ascii > 0:
            for i in range(n):
                if rng.random() < self.non_ascii:
                    words[i] = rng.choice(NON_ASCII_WORDS)
        # Sentences of 4 to 18 words: capital first letter, an ending, sometimes a comma.
        i = 0
        while i < n:
            length = rng.randint(4, 18)
            words[i] = words[i][:1].upper() + words[i][1:]
            end = min(n, i + length) - 1
            if length > 8 and i + length // 2 < end:
                words[i + length // 2] += ","
            words[end] += rng.choice(ENDINGS)
            i += length
        text = " ".join(words)
        # Now and then one space becomes U+00A0 or U+3000: a separator for str.split(), not for ASCII splitters.
        if n > 2 and rng.random() < self.non_ascii * 5:
            at = text.find(" ", rng.randrange(len(text)))
            if at > 0:
                text = text[:at] + rng.choice(SPACES) + text[at + 1:]
        return text

    def record(self):
        rng = self.rng
        day = self.day0 + rng.randrange(4 * 365) * 86400
        summary = " ".join(rng.choices(self.vocab[:300], cum_weights=self.cum[:300], k=rng.randint(1, 5)))
        rating = rng.choices([1.0, 2.0, 3.0, 4.0, 5.0], weights=[4, 3, 8, 20, 65])[0]
        helpful_total = rng.choice([0, 0, 0, 1, 2, 5])
        # Same key order as the Amazon files.
        return {
            "reviewerID": "A" + "".join(rng.choices(ID_CHARS, k=13)),
            "asin": "B" + "".join(rng.choices(ID_CHARS, k=9)),
            "reviewerName": rng.choice(self.vocab[:200]).capitalize(),
            "helpful": [rng.randint(0, helpful_total), helpful_total],
            "reviewText": self.text(),
            "overall": rating,
            "summary": summary[:1].upper() + summary[1:],
            "unixReviewTime": day,
            "reviewTime": datetime.datetime.fromtimestamp(day, datetime.timezone.utc).strftime("%m %d, %Y"),
        }


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    size = p.add_mutually_exclusive_group()
    size.add_argument("--lines", type=int, help="number of reviews (default 1000 when --mb is not given)")
    size.add_argument("--mb", type=float, help="write reviews until the output reaches SIZE megabytes (10^6 bytes)")
    p.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same output")
    p.add_argument("--vocab", type=int, default=20000, help="vocabulary size")
    p.add_argument("--zipf", type=float, default=1.1, help="Zipf exponent of word frequencies")
    p.add_argument("--mean-words", type=float, default=60, help="mean review length in words")
    p.add_argument("--non-ascii", type=float, default=0.02, help="share of non-ASCII words")
    p.add_argument("--ascii-json", action="store_true", help="escape non-ASCII as \\uXXXX in the JSON")
    p.add_argument("--out", default="-", help="output path, '-' for stdout")
    args = p.parse_args(argv)
    if args.lines is None and args.mb is None:
        args.lines = 1000
    if (args.lines is not None and args.lines < 0) or (args.mb is not None and args.mb < 0):
        p.error("the size must be >= 0")
    if args.vocab < 1 or args.mean_words < 1 or not 0 <= args.non_ascii <= 1 or args.zipf <= 0:
        p.error("need --vocab >= 1, --mean-words >= 1, 0 <= --non-ascii <= 1, --zipf > 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    maker = ReviewMaker(args)
    limit_bytes = None if args.mb is None else int(args.mb * 1e6)
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    written = 0
    count = 0
    try:
        while True:
            # Batches of records joined into one write: per-line writes would dominate the run time.
            batch = []
            for _ in range(2000):
                if args.lines is not None and count >= args.lines:
                    break
                if limit_bytes is not None and written >= limit_bytes:
                    break
                line = (json.dumps(maker.record(), ensure_ascii=args.ascii_json) + "\n").encode("utf-8")
                written += len(line)
                count += 1
                batch.append(line)
            if not batch:
                break
            out.write(b"".join(batch))
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    print("gen_reviews: {} reviews, {} bytes".format(count, written), file=sys.stderr)


if __name__ == "__main__":
    main()
