"""The words of the compiled documents themselves, in the compilation's language."""

from app.i18n import gettext as _


def document_labels(edition: str) -> dict[str, str]:
    return {
        "edition": _("Public edition")
        if edition == "public"
        else _("Restricted edition, for UN reviewers only. Do not share."),
        "compiled_input": _("Compiled input"),
        "review": _("Review"),
        "convening_body": _("Convening body"),
        "opens": _("Opened for drafting"),
        "deadline": _("Deadline for submissions"),
        "review_meeting": _("Review meeting"),
        "version": _("Version"),
        "compiled_at": _("Compiled on"),
        "contents": _("Contents"),
        "figures": _("Figures"),
        "submissions": _("Submissions"),
        "organizations": _("Organizations"),
        "countries": _("Countries of organizations credited by name"),
        "anonymous_areas": _("Areas of organizations credited without their name"),
        "languages": _("Languages"),
        "coverage": _("Coverage of GCM objectives"),
        "objective": _("Objective"),
        "sections": _("Sections"),
        "in_scope": _("in scope"),
        "annex": _("Annex: organizations"),
        "contributors": _("Organizations that contributed, credited by name"),
        "endorsers": _("Organizations that signed on, credited by name"),
        "none": _("None"),
        "signed_on_by": _("Signed on by"),
        "objectives_in_scope": _("GCM objectives in scope"),
        "note": _(
            "Each submission is given as its organizations wrote it. Cite a submission by its "
            "reference (S-014) and a paragraph as S-014 ¶3: these stay the same in both "
            "editions and in later versions. The small grey numbers run through this file "
            "only, as a convenience, and differ between editions."
        ),
        "symbol": _("Document symbol"),
        "page": _("Page"),
        "method": _("Method"),
        "submission_table": _("Table of submissions"),
        "reference": _("Reference"),
        "credit": _("Credit"),
        "language": _("Language"),
        "objectives": _("Objectives"),
        "paragraphs": _("Paragraphs"),
        "words": _("Words"),
        "objective_index": _("Index by GCM objective"),
        "index_counts": _("Submissions and paragraphs"),
    }


def method_note(consultation: dict, figures: dict, edition: str, version: int) -> list[str]:
    """How the inputs were gathered and how to read and cite them: a few short paragraphs."""
    notes = [
        _(
            "Organizations wrote these inputs on this platform, alone or together, answering "
            "the guiding questions of the consultation. Drafting opened on %(opens)s and "
            "closed on %(deadline)s. Facilitators accepted each submission before it was "
            "compiled.",
            opens=consultation["opens"],
            deadline=consultation["deadline"],
        ),
        _(
            "Each text is given exactly as written, in its own language (%(languages)s); the "
            "language is shown with each text.",
            languages=", ".join(figures["languages"]),
        ),
        _(
            "Each organization chose how it is credited: by name; anonymously, by kind of "
            "organization and broad area only; or confidentially, left out of the public "
            "edition. The strictest choice of a submission's co-authors applies. Endorsing "
            "organizations chose in the same way. No person is named."
        ),
        _(
            "A submission's reference (S-014) is given when it is accepted and never changes "
            "or passes to another text; a withdrawn submission leaves a gap. Paragraphs are "
            "numbered within each submission (S-014 ¶3), the same in both editions and in "
            "later versions."
        ),
    ]
    if edition == "public":
        notes.append(_("This public edition leaves out confidential submissions."))
    else:
        notes.append(
            _("This restricted edition includes confidential submissions, for UN reviewers only.")
        )
    return notes
