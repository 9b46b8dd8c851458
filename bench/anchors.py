"""How long finding a comment's passage again takes (app/submissions/anchors.py).

    PYTHONPATH=. .venv/bin/python bench/anchors.py

The section text is made of words drawn at random from a vocabulary (so no passage repeats
elsewhere), as long as the editor allows (200,000 characters) and as a long answer (3,000).
For quotes of 100, 300 and 1,000 characters it prints the median time of: the passage
unchanged but moved, a few words changed in it (the close match), and the passage deleted
(the slowest case: every candidate place is measured before "passage changed").
"""

from __future__ import annotations

import random
import statistics
import time

from app.submissions.anchors import anchor_quote, locate

RUNS = 15


def _text(size: int, vocabulary: int, rng: random.Random) -> str:
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))]
    words += [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(vocabulary)
    ]
    out, length = [], 0
    while length < size:
        word = rng.choice(words) + rng.choice([" ", " ", " ", ", ", ". "])
        out.append(word)
        length += len(word)
    return "".join(out)[:size]


def _median_ms(text: str, selector) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        locate(text, selector)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    rng = random.Random(7)
    print("text chars | quote chars | moved ms | changed ms | deleted ms")
    for size, vocabulary in ((3_000, 2_000), (200_000, 2_000), (200_000, 60)):
        text = _text(size, vocabulary, rng)
        for length in (100, 300, 1_000):
            if length * 3 > size:
                continue
            at = size // 2
            selector = anchor_quote(text, text[at : at + length], at)
            moved = "A new paragraph at the start.\n\n" + text
            middle = at + length // 2
            changed = text[:middle] + " another word " + text[middle + 12 :]
            deleted = text[: at - 5] + text[at + length + 5 :]
            figures = [_median_ms(t, selector) for t in (moved, changed, deleted)]
            label = f"{size:,} ({vocabulary} words)"
            print(f"{label} | {length:,} | " + " | ".join(f"{f:.2f}" for f in figures))


if __name__ == "__main__":
    main()
