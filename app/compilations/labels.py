"""The words of the compiled documents themselves, in the compilation's language."""

from flask_babel import gettext as _


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
            "Each submission is given as its organizations wrote it. Paragraphs are "
            "numbered for reference. Credits follow each organization's choice."
        ),
    }
