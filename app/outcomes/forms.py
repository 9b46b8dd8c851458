"""Forms for outcome documents and the uptake of each submission."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from app.forms import Form, max_length, options, required, strip
from app.i18n import lazy_gettext as _l
from app.outcomes.models import UPTAKE_LABELS, UPTAKE_STATUSES


def web_address(form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(field.data) > 500:
        raise ValidationError(_l("Enter a web address that starts with https://"))


class OutcomeDocumentForm(Form):
    title = StringField(
        _l("Title of the document"), validators=[required(), max_length(300)], filters=[strip]
    )
    symbol = StringField(
        _l("Document symbol (optional)"),
        validators=[max_length(80)],
        filters=[strip],
        description=_l("As the convening body numbers it, for example ESCAP/GCM/2027/3."),
    )
    issued_on = DateField(_l("Date of the document"), validators=[required()])
    link = StringField(
        _l("Web address (or attach the file below)"),
        validators=[web_address],
        filters=[strip],
    )
    file = FileField(
        _l("File (or give its web address above)"),
        description=_l("PDF, Word (DOCX), OpenDocument (ODT), PNG, JPEG or WebP."),
    )

    def validate_file(self, field) -> None:
        has_file = field.data is not None and bool(getattr(field.data, "filename", ""))
        if not has_file and not self.link.data:
            raise ValidationError(_l("Give the web address of the document, or attach it."))


class UptakeForm(Form):
    """How the review took up a submission, or one of its paragraphs."""

    paragraph = IntegerField(
        _l("Paragraph of the submission (leave empty for the whole submission)"),
        validators=[Optional(), NumberRange(min=1, max=100_000, message=_l("Not a paragraph."))],
    )
    status = RadioField(_l("What the review did with it"), validators=[required()])
    outcome_reference = StringField(
        _l("Where the outcome reflects it (for example: paragraph 23)"),
        validators=[max_length(120)],
        filters=[strip],
    )
    reason = TextAreaField(
        _l("Why, or a short note for the organization"),
        validators=[max_length(2000)],
        filters=[strip],
        render_kw={"rows": 2},
    )
    document_id = SelectField(_l("Outcome document"), validators=[Optional()])

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = options((s, UPTAKE_LABELS[s]) for s in UPTAKE_STATUSES)
        self.document_id.choices = options(
            [("", _l("None"))] + [(str(d.id), d.symbol or d.title) for d in documents]
        )

    def validate_reason(self, field) -> None:
        if self.status.data == "not-taken-up" and not field.data:
            raise ValidationError(_l("Say why it was not taken up: the organization will read it."))
