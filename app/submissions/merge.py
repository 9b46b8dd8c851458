"""Three-way merge of prose at the level of words.

People write paragraphs, often one long line each, so merging by lines would make any two
edits of a paragraph conflict. Texts are split into words and the spaces between them;
two people who change different words both keep their change; changes to the same words
conflict, and then nothing is merged (both texts are kept by the caller).

merge3 and patiencediff load with the first merge: a web worker that only shows pages
never needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


class AnchoredMatcher:
    """Patience diff (compiled, fast on long texts), after taking off the common beginning
    and end.

    Prose repeats words and spaces; a matcher may align an unchanged word with a copy
    further on, which makes a one-word edit look like a long one and two separate edits
    overlap. Anchoring the unchanged start and end keeps each edit where it is.
    """

    def __init__(self, isjunk=None, a=(), b=(), autojunk=True):
        self.a, self.b = a, b

    def get_matching_blocks(self) -> list[tuple[int, int, int]]:
        from patiencediff import PatienceSequenceMatcher

        a, b = self.a, self.b
        prefix = 0
        while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < min(len(a), len(b)) - prefix
            and a[len(a) - 1 - suffix] == b[len(b) - 1 - suffix]
        ):
            suffix += 1
        middle = PatienceSequenceMatcher(
            None, a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
        ).get_matching_blocks()[:-1]
        blocks = [(0, 0, prefix)] if prefix else []
        blocks += [(i + prefix, j + prefix, n) for i, j, n in middle]
        if suffix:
            blocks.append((len(a) - suffix, len(b) - suffix, suffix))
        return _joined(blocks) + [(len(a), len(b), 0)]


def _joined(blocks):
    """Merge touching blocks, as difflib does, so each match is one block."""
    joined: list[tuple[int, int, int]] = []
    for i, j, n in blocks:
        if joined and joined[-1][0] + joined[-1][2] == i and joined[-1][1] + joined[-1][2] == j:
            last = joined.pop()
            joined.append((last[0], last[1], last[2] + n))
        elif n:
            joined.append((i, j, n))
    return joined


@dataclass(frozen=True)
class MergeResult:
    text: str | None
    conflict: bool


def merge_texts(base: str, mine: str, theirs: str) -> MergeResult:
    """Merge `mine` (based on `base`) with `theirs` (saved since `base`)."""
    if mine == theirs or theirs == base:
        return MergeResult(mine, False)
    if mine == base:
        return MergeResult(theirs, False)
    from merge3 import Merge3

    merged: list[str] = []
    merge = Merge3(tokens(base), tokens(mine), tokens(theirs), sequence_matcher=AnchoredMatcher)
    for group in merge.merge_groups():
        kind = group[0]
        if kind == "conflict":
            return MergeResult(None, True)
        merged.extend(group[1])
    return MergeResult("".join(merged), False)
