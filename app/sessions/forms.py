from __future__ import annotations

from urllib.parse import urlsplit

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from app.consultations.forms import CheckboxesField
from app.forms import FastSelect, Form, max_length, options, required, strip
from app.i18n import lazy_gettext as _l
from app.i18n import timezone_choices
from app.inputs import MAX_ID
from app.reference import gcm
from app.sessions.board import MAX_CONTRIBUTION
from app.sessions.models import FORMAT_LABELS
from app.submissions.models import CONTRIBUTION_LABELS


class SessionForm(Form):
    title = StringField(_l("Title"), validators=[required(), max_length(200)], filters=[strip])
    format = RadioField(
        _l("How people take part"), choices=options(FORMAT_LABELS.items()), default="online"
    )
    day = DateField(_l("Date"), validators=[required()])
    starts = TimeField(_l("Starts at"), validators=[required()])
    ends = TimeField(_l("Ends at"), validators=[required()])
    timezone = SelectField(
        _l("Time zone of the date and times"),
        validators=[required()],
        widget=FastSelect("timezones"),
        description=_l("Participants also see the time in their own zone."),
    )
    agenda = TextAreaField(
        _l("Agenda"),
        validators=[max_length(5000)],
        filters=[strip],
        render_kw={"rows": 6},
        description=_l("One item per line. You can use simple formatting (Markdown)."),
    )
    capacity = IntegerField(
        _l("Places (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message=_l("Use a number between %(min)s and %(max)s.")),
        ],
        description=_l("Leave empty when there is no limit."),
    )
    meeting_link = StringField(
        _l("Meeting link (optional)"),
        validators=[max_length(500)],
        filters=[strip],
        description=_l("Shown only to registered participants."),
    )
    place = TextAreaField(
        _l("Place (optional)"),
        validators=[max_length(1000)],
        filters=[strip],
        render_kw={"rows": 2},
        description=_l("Shown only to registered participants."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = options((z, z) for z in timezone_choices())

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The end must come after the start."))

    def validate_meeting_link(self, field):
        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValidationError(_l("Enter a full link that starts with https://"))


class RegisterForm(Form):
    organization_id = SelectField(_l("You take part for"), coerce=int)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = options((o.id, o.name) for o in organizations)


class CancelForm(Form):
    reason = TextAreaField(
        _l("Why is the session cancelled?"),
        validators=[required(), max_length(1000)],
        filters=[strip],
        render_kw={"rows": 2},
        description=_l("Registered participants see this."),
    )


class ContributionForm(Form):
    body = TextAreaField(
        _l("Your point"),
        validators=[required(), max_length(MAX_CONTRIBUTION)],
        filters=[strip],
        render_kw={"rows": 3, "maxlength": MAX_CONTRIBUTION},
        description=_l("A short point, up to %(count)d characters.", count=MAX_CONTRIBUTION),
    )
    contribution_type = RadioField(
        _l("Type"), choices=options(CONTRIBUTION_LABELS.items()), default="challenge"
    )
    objectives = CheckboxesField(_l("GCM objectives it is about (optional)"), coerce=int)
    show_organization = BooleanField(
        _l("Show my organization's name to other participants"),
        default=False,  # safety defaults are off: the person opts in
        description=_l("Facilitators always see it. Your own name is never shown."),
    )

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives.choices = options((n, gcm.objective(n).label) for n in objectives)


class MergeForm(Form):
    into = IntegerField(
        _l("Same point as number"),
        validators=[
            required(),
            # Not shown (the board says "choose another point"); keeps huge numbers from SQL.
            NumberRange(min=1, max=MAX_ID, message=_l("Use a number between %(min)s and %(max)s.")),
        ],
    )


class TakenForm(Form):
    submission_id = SelectField(_l("Taken into"), coerce=int)

    def __init__(self, *args, submissions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.submission_id.choices = options(
            [(0, _l("Not taken into a submission"))]
            + [(s.id, f"#{s.id} · {s.lead_organization.name}") for s in submissions]
        )


class CopyForm(Form):
    target = SelectField(_l("Copy into"))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = options(sections)


class MinutesForm(Form):
    minutes = TextAreaField(
        _l("Minutes"),
        validators=[max_length(50000)],
        render_kw={"rows": 18},
        description=_l(
            "You can use simple formatting (Markdown). Name organizations only where they "
            "chose to be shown."
        ),
    )
