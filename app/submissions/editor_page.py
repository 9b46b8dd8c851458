"""The section editor page, as the editor's and the comments' routes answer with it."""

from __future__ import annotations

from functools import cache

from flask import Response, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, load_only

from app.auth.models import User
from app.consultations.forms import objective_choices
from app.extensions import db
from app.forms import options
from app.policy import may
from app.submissions import anchors
from app.submissions.forms import CommentForm, TagsForm
from app.submissions.models import CONTRIBUTION_LABELS, Comment
from app.timeutil import utcnow
from app.web import render


def render_editor(submission, section, status=200, **extra) -> Response:
    """The whole section editor page with what the request adds: the
    typed text back, a conflict, a form with its errors. Comment routes use it too.

    Each permission is asked once here (the template reads the answers), and what a person
    may not see or use is neither read nor built: comments only for those who read them,
    the tags form only while they may change the text."""
    now = utcnow()
    may_edit = may(current_user, "submission.edit", submission)
    editable = may_edit and submission.is_editable(now)
    reads_comments = may(current_user, "submission.read_comments", submission)
    may_comment = reads_comments and may(current_user, "submission.comment", submission)
    comments = _comments(section) if reads_comments else []
    context = {
        "submission": submission,
        "section": section,
        "comments": comments,
        **_passages(section, comments, reads_comments),
        "may_edit": may_edit,
        "editable": editable,
        "reads_comments": reads_comments,
        "may_comment": may_comment,
        "comment_form": None,  # a form sent back with its errors, else the kept fields
        # The tags as the section has them; a TagsForm (with its errors) only when sent back.
        "tags_form": None,
        "tag_lists": tag_lists(section) if editable else None,
        "now": now,
        "body": section.text,
        "base_revision": section.current_revision_id,
    }
    context.update(extra)
    if may_comment:
        context["comment_fields"] = _comment_fields(
            context["comment_form"], editable, section.current_revision_id
        )
    return render("submissions/section.html", status=status, **context)


def _comments(section) -> list[Comment]:
    """The section's comments with their authors' names, in one statement however many
    people wrote them (nothing else of their accounts is read)."""
    if section.has_comments is False:  # asked with the section (load_for_editor): none
        return []
    return list(db.session.scalars(_comments_statement(), {"section_id": section.id}))


@cache
def _comments_statement():
    """Built once: a statement reused with new parameters skips building its cache key."""
    return (
        select(Comment)
        .where(Comment.section_id == bindparam("section_id"))
        .options(joinedload(Comment.author).options(load_only(User.id, User.display_name)))
        .order_by(Comment.created_at)
    )


# Per language and kind of page: the empty comment form's fields, with a slot for the revision.
_KEPT_COMMENT_FIELDS: dict[tuple[str, bool], str] = {}
_REVISION_SLOT = "kept-revision-slot"


def _comment_fields(form, editable: bool, revision_id) -> Markup:
    """The comment form's fields (the words quoted, the comment). A form sent back, with
    what was typed and why it was refused, is rendered as it is. Every other page has the
    same empty fields: rendered once per language and kind of page (the quote is taken from
    the editor or from the text) through the same template, kept, and the revision the
    quote is read in filled in."""
    template = "submissions/_comment_fields.html"
    if form is not None:
        return Markup(
            render_template(template, comment_form=form, editable=editable, revision=revision_id)
        )
    key = (str(get_locale()), bool(editable))
    kept = _KEPT_COMMENT_FIELDS.get(key)
    if kept is None:
        empty = CommentForm(formdata=None, prefix="comment")
        kept = render_template(
            template, comment_form=empty, editable=editable, revision=_REVISION_SLOT
        )
        _KEPT_COMMENT_FIELDS[key] = kept
    value = f'value="{escape(revision_id or "")}"'
    return Markup(kept.replace(f'value="{_REVISION_SLOT}"', value, 1))


# Per language (a handful): the fixed lists' markup, made at the first page in it.
_KEPT_TAG_LISTS: dict[str, list] = {}


def tag_lists(section) -> Markup:
    """The section's contribution types and objectives as the two fieldsets of checkboxes of
    TagsForm, ticked as the section has them: the same markup as `checkboxes` of _macros.html
    gives for that form (tests compare them), without building the form. WTForms renders
    each of the 28 boxes through its widgets; here their markup is made once per language
    and kept, and a page only picks the ticked or unticked copy of each."""
    language = str(get_locale())
    lists = _KEPT_TAG_LISTS.get(language)
    if lists is None:
        lists = _KEPT_TAG_LISTS[language] = _make_tag_lists()
    ticked = {
        "contribution_types": {str(value) for value in section.contribution_types},
        "objectives": {str(number) for number in section.objectives},
    }
    parts = []
    for name, head, boxes, tail in lists:
        chosen = ticked[name]
        parts.append(head)
        parts.extend(on if value in chosen else off for value, off, on in boxes)
        parts.append(tail)
    return Markup("".join(parts))


def _make_tag_lists() -> list[tuple[str, str, list[tuple[str, str, str]], str]]:
    """Per list: the fieldset's opening, each box as (value, unticked, ticked), its end."""
    made = []
    for name, choices, columns in (
        ("contribution_types", options(CONTRIBUTION_LABELS.items()), False),
        ("objectives", objective_choices(), True),
    ):
        legend = escape(getattr(TagsForm, name).args[0])
        head = (
            f'<fieldset class="field" id="{name}">\n  <legend>{legend}</legend>\n'
            f'  <ul class="{"checkbox-list" if columns else "plain-list"}">\n'
        )
        boxes = []
        for number, choice in enumerate(choices):
            value = escape(choice.value)
            attributes = f'id="{name}-{number}" name="{name}" type="checkbox" value="{value}"'
            label = f'<label for="{name}-{number}">{escape(choice.label)}</label>'
            boxes.append(
                (
                    str(choice.value),
                    f"    <li><input {attributes}> {label}</li>\n",
                    f"    <li><input checked {attributes}> {label}</li>\n",
                )
            )
        made.append((name, head, boxes, "  </ul>\n</fieldset>\n"))
    return made


def _passages(section, comments, reads_comments: bool) -> dict:
    """Where each comment's passage is now, and the text with them marked: only for those who
    read the comments (a mark says that a comment is there)."""
    if not reads_comments:
        return {"placed": {}, "passage_ids": {}, "marked_text": None, "marked_html": None}
    quoting = [c for c in comments if c.quote and not c.parent_id and not c.hidden_reason]
    if not quoting:
        return {"placed": {}, "passage_ids": {}, "marked_text": None, "marked_html": None}
    text = section.text
    placed = anchors.place(text, quoting)
    found = any(p.found for p in placed.values())
    return {
        "placed": placed,
        "passage_ids": anchors.mark_ids(placed),
        "marked_text": anchors.highlight_plain(text, placed) if found else None,
        "marked_html": anchors.highlight_markdown(text, placed) if found else None,
    }
