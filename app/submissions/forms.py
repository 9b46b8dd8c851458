from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from app.consultations.forms import CheckboxesField, objective_choices
from app.forms import Form, max_length, options, required, strip
from app.i18n import lazy_gettext as _l
from app.submissions.models import ATTRIBUTION_LABELS, CONTRIBUTION_LABELS


def attribution_choices():
    return options(ATTRIBUTION_LABELS.items())


class DetailsForm(Form):
    language = SelectField(_l("Language of the submission"))
    attribution = RadioField(
        _l("How should the compiled input credit your submission?"),
        default="named",
        description=_l("If co-authors choose differently, the strictest choice applies to all."),
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(languages)
        self.attribution.choices = attribution_choices()


class TagsForm(Form):
    contribution_types = CheckboxesField(_l("This section gives"))
    objectives = CheckboxesField(_l("GCM objectives this section addresses"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contribution_types.choices = options(CONTRIBUTION_LABELS.items())
        self.objectives.choices = objective_choices()


class CommentForm(Form):
    body = TextAreaField(
        _l("Comment"),
        validators=[required(), max_length(5000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    quote = TextAreaField(
        _l("Quote the passage (optional)"),
        validators=[max_length(1000)],
        filters=[strip],
        description=_l(
            "Copy the words from the text that your comment is about, or select them in the "
            "text. The comment stays with these words when the text changes."
        ),
        render_kw={"rows": 2},
    )
    # Filled by the browser: where the selected words start, and the revision they were
    # selected in (both checked on the server, never trusted).
    quote_start = HiddenField()
    revision = HiddenField()
    parent_id = HiddenField()


class AttachmentForm(Form):
    title = StringField(_l("Title"), validators=[required(), max_length(200)], filters=[strip])
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])


class FeedbackForm(Form):
    feedback = TextAreaField(
        _l("Feedback for the organizations"),
        validators=[required(), max_length(5000)],
        filters=[strip],
        render_kw={"rows": 4},
    )


class ExtensionForm(Form):
    until = DateTimeLocalField(
        _l("New deadline for this submission"),
        validators=[required()],
        description=_l("In the consultation's time zone."),
    )


class RespondForm(Form):
    attribution = RadioField(_l("How should your organization be credited?"), default="named")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attribution.choices = attribution_choices()


class EndorseForm(Form):
    organization_id = SelectField(_l("Sign on as"), coerce=int)
    attribution = RadioField(_l("How should your organization be credited?"), default="named")

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = options((o.id, o.name) for o in organizations)
        self.attribution.choices = attribution_choices()
