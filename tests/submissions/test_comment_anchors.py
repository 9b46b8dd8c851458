"""Comments anchored to a passage: found again after edits and merges, marked in the text,
"passage changed" when the words are gone; quoting works without JavaScript."""

import re

from sqlalchemy import select

from app.submissions.anchors import Selector, locate
from app.submissions.models import Comment
from tests.factories import make_org, make_submission, make_user

TEXT = (
    "Recruitment agencies charge high fees. Workers pay back loans for years. "
    "Nobody checks the agencies."
)


def _setup(text=TEXT, state="draft"):
    owner, editor = make_user(), make_user()
    org = make_org(owner, members={editor: "editor"})
    submission = make_submission(org=org, texts={"q1": text}, state=state)
    return owner, editor, submission


def _section(db, submission):
    db.session.expire_all()
    return next(s for s in submission.sections if s.key == "q1")


def _comment(client, submission, quote, body="Which loans?", **extra):
    data = {"comment-body": body, "comment-quote": quote}
    data.update({f"comment-{k}": v for k, v in extra.items()})
    return client.post(f"/submissions/{submission.id}/sections/q1/comments", data=data)


def _save(client, submission, body, base):
    return client.post(
        f"/submissions/{submission.id}/sections/q1", data={"body": body, "base_revision": base}
    )


def _page(client, submission):
    return client.get(f"/submissions/{submission.id}/sections/q1").get_data(as_text=True)


def _marks(page):
    return re.findall(r'<mark class="passage" id="passage-(\d+)">(.*?)</mark>', page, re.S)


def test_without_javascript_a_quote_anchors_the_comment_to_the_passage(signed_in_client, db):
    _owner, editor, submission = _setup()
    client = signed_in_client(editor)
    page = _page(client, submission)
    assert "Quote the passage" in page and 'data-quote-from="#body"' in page
    revision_id = _section(db, submission).current_revision_id
    response = _comment(client, submission, "Workers pay back loans")  # typed, no offsets
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.quote == "Workers pay back loans"
    assert comment.quote_prefix == "Recruitment agencies charge high fees. "[-32:]
    assert comment.quote_suffix == " for years. Nobody checks the agencies."[:32]
    assert comment.quote_revision_id == revision_id
    page = _page(client, submission)
    assert _marks(page) == [(str(comment.id), "Workers pay back loans")]
    assert f'href="#passage-{comment.id}"' in page


def test_the_anchor_follows_an_edit_that_moves_it(signed_in_client, db):
    _owner, editor, submission = _setup()
    client = signed_in_client(editor)
    _comment(client, submission, "Workers pay back loans")
    comment = db.session.scalar(select(Comment))
    base = _section(db, submission).current_revision_id
    moved = "Nobody checks the agencies.\n\nWorkers pay back loans for years. And fees are high."
    assert _save(client, submission, moved, base).status_code == 200
    page = _page(client, submission)
    assert _marks(page) == [(str(comment.id), "Workers pay back loans")]
    assert "Passage changed" not in page


def test_the_anchor_follows_the_text_through_a_merge(signed_in_client, db):
    owner, editor, submission = _setup()
    _comment(signed_in_client(editor), submission, "Workers pay back loans")
    comment = db.session.scalar(select(Comment))
    base = _section(db, submission).current_revision_id
    first = _save(signed_in_client(owner), submission, "A new opening paragraph.\n\n" + TEXT, base)
    assert first.status_code == 200
    second = _save(
        signed_in_client(editor),
        submission,
        TEXT.replace("Nobody checks", "The labour office never checks"),
        base,
    )
    assert second.headers.get("X-Merged") == "1"
    text = _section(db, submission).text
    assert text.startswith("A new opening") and "labour office never checks" in text
    marks = _marks(_page(signed_in_client(owner), submission))
    assert marks == [(str(comment.id), "Workers pay back loans")]


def test_a_slightly_changed_passage_is_still_found(signed_in_client, db):
    _owner, editor, submission = _setup()
    client = signed_in_client(editor)
    _comment(client, submission, "Workers pay back loans for years")
    base = _section(db, submission).current_revision_id
    _save(client, submission, TEXT.replace("back loans", "back their loans"), base)
    marks = _marks(_page(client, submission))
    assert [m[1] for m in marks] == ["Workers pay back their loans for years"]


def test_passage_changed_when_the_words_are_gone(signed_in_client, db):
    _owner, editor, submission = _setup()
    client = signed_in_client(editor)
    _comment(client, submission, "Workers pay back loans for years.")
    base = _section(db, submission).current_revision_id
    _save(client, submission, "Recruitment agencies charge high fees. Nobody checks.", base)
    page = _page(client, submission)
    assert "Passage changed" in page and _marks(page) == []
    assert "Workers pay back loans for years.</blockquote>" in (page)


def test_repeated_words_keep_the_occurrence_that_was_selected(signed_in_client, db):
    text = "Fees are high. Rent is high too. Fees are high."
    _owner, editor, submission = _setup(text)
    client = signed_in_client(editor)
    second = text.rindex("Fees are high")
    _comment(client, submission, "Fees are high", quote_start=str(second))
    comment = db.session.scalar(select(Comment))
    assert comment.quote_prefix == text[second - 32 : second]  # 32 characters of context
    base = _section(db, submission).current_revision_id
    _save(client, submission, "We asked people.\n\n" + text, base)
    page = _page(client, submission)
    marked = page[page.index('id="passages"') :]
    before = marked[: marked.index("<mark")]
    assert "Rent is high too." in before  # the second one, not the first


def test_a_wrong_offset_from_the_browser_is_not_trusted(signed_in_client, db):
    _owner, editor, submission = _setup()
    _comment(signed_in_client(editor), submission, "Workers pay back loans", quote_start="3")
    comment = db.session.scalar(select(Comment))
    assert comment.quote == "Workers pay back loans"
    assert comment.quote_prefix.endswith("high fees. ")


def test_a_quote_that_is_not_in_the_text_is_refused_and_kept(signed_in_client, db):
    _owner, editor, submission = _setup()
    response = _comment(signed_in_client(editor), submission, "Words nobody wrote", "My view.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "These words are not in the text of this section." in page
    assert "Words nobody wrote" in page and "My view." in page
    assert db.session.scalar(select(Comment)) is None


def test_a_quote_with_a_script_is_shown_as_text(signed_in_client, db):
    text = "Agents write <script>alert(1)</script> into contracts."
    owner, editor, submission = _setup(text)
    client = signed_in_client(editor)
    assert _comment(client, submission, "<script>alert(1)</script>").status_code == 303
    page = _page(client, submission)  # the editor: the plain text, marked
    assert "<script>alert" not in page
    assert _marks(page)[0][1] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert re.search(r"<blockquote[^>]*>&lt;script&gt;alert\(1\)&lt;/script&gt;</blockquote>", page)
    submission.state = "submitted"
    db.session.commit()
    page = _page(signed_in_client(owner), submission)  # read only: the Markdown, marked
    assert 'id="section-text"' in page and "<script>alert" not in page
    assert _marks(page)[0][1] == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_marks_in_markdown_stay_within_lines_and_keep_lists():
    from app.submissions.anchors import Placed, highlight_markdown

    text = "- first point\n- second point with **bold** words"
    start, end = text.index("first"), text.index("bold**") + 4
    html = str(highlight_markdown(text, {7: Placed(7, start, end)}))
    assert html.count("<li>") == 2 and "<strong>" in html
    assert '<mark class="passage" id="passage-7">first point</mark>' in html
    assert html.count("<mark") >= 2  # the second line has its own mark, without an id
    assert html.count('id="passage-7"') == 1


def test_locate_prefers_the_occurrence_whose_context_agrees():
    text = "high fees. Then: high fees. Last: high fees."
    selector = Selector("high fees", prefix="Then: ", suffix=". Last")
    assert locate(text, selector) == (17, 26)
    assert locate(text, Selector("high fees", prefix="Last: ")) == (34, 43)
    assert locate("nothing like it", Selector("Workers pay back loans")) is None


def test_a_hidden_comment_marks_no_passage_and_replies_quote_nothing(signed_in_client, db):
    owner, editor, submission = _setup()
    client = signed_in_client(editor)
    _comment(client, submission, "Workers pay back loans")
    comment = db.session.scalar(select(Comment))
    _comment(client, submission, "Nobody checks", "A reply.", parent_id=str(comment.id))
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == comment.id))
    assert reply.quote is None and reply.quote_revision_id is None
    comment.hidden_reason = "Off topic."
    db.session.commit()
    page = _page(signed_in_client(owner), submission)
    assert _marks(page) == [] and 'id="passages"' not in page
