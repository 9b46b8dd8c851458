"""The word-level merge, tested on generated texts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.submissions.merge import merge_texts, tokens

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäéनमस्तेمرحبا", min_size=1, max_size=8)


@st.composite
def texts_and_two_edits(draw):
    """A base text and two edits of different words, at least one word apart."""
    words = draw(st.lists(WORD, min_size=4, max_size=40))
    first = draw(st.integers(0, len(words) - 3))
    second = draw(st.integers(first + 2, len(words) - 1))
    mine_word = draw(WORD.filter(lambda w: w != words[first]))
    theirs_word = draw(WORD.filter(lambda w: w != words[second]))
    mine, theirs = list(words), list(words)
    mine[first], theirs[second] = "M" + mine_word, "T" + theirs_word
    return " ".join(words), " ".join(mine), " ".join(theirs), "M" + mine_word, "T" + theirs_word


@settings(max_examples=200, deadline=None)
@given(texts_and_two_edits())
def test_non_overlapping_edits_always_merge_and_keep_both(case):
    base, mine, theirs, mine_word, theirs_word = case
    result = merge_texts(base, mine, theirs)
    assert not result.conflict
    assert mine_word in tokens(result.text)
    assert theirs_word in tokens(result.text)
    assert len(tokens(result.text)) == len(tokens(base))


@st.composite
def texts_and_clashing_edits(draw):
    words = draw(st.lists(WORD, min_size=3, max_size=30))
    at = draw(st.integers(0, len(words) - 1))
    mine, theirs = list(words), list(words)
    mine[at] = "M" + draw(WORD)
    theirs[at] = "T" + draw(WORD)
    return " ".join(words), " ".join(mine), " ".join(theirs)


@settings(max_examples=200, deadline=None)
@given(texts_and_clashing_edits())
def test_overlapping_edits_are_reported_never_dropped(case):
    base, mine, theirs = case
    result = merge_texts(base, mine, theirs)
    assert result.conflict
    assert result.text is None  # nothing half-merged: the caller keeps both texts


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_one_sided_changes_are_taken_whole(base, mine):
    assert merge_texts(base, mine, base).text == mine
    assert merge_texts(base, base, mine).text == mine


def test_paragraphs_on_one_line_merge_by_words():
    base = "Recruitment fees are high. Workers pay them. Employers deny it."
    mine = "Recruitment fees are very high. Workers pay them. Employers deny it."
    theirs = "Recruitment fees are high. Workers pay them. Employers deny it often."
    result = merge_texts(base, mine, theirs)
    assert (
        result.text == "Recruitment fees are very high. Workers pay them. Employers deny it often."
    )
