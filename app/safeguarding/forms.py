from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from app.consultations.forms import CheckboxesField
from app.forms import Form, max_length, options, required, strip
from app.i18n import lazy_gettext as _l
from app.safeguarding.models import STATUS_LABELS

WISH_LABELS = {
    "record": _l("Only keep a record of it for now"),
    "talk": _l("Talk with me about what could be done"),
    "facilitators": _l("Tell the facilitators of the consultation, without my name"),
    "un": _l("Help me bring it to the UN's team on reprisals"),
}
AFFECTED_LABELS = {
    "me": _l("Me"),
    "someone": _l("Someone else"),
    "organization": _l("An organization"),
}


class ReportForm(Form):
    consultation = SelectField(_l("Is it about a consultation?"))
    what_happened = TextAreaField(
        _l("What happened?"),
        validators=[required(), max_length(10000)],
        filters=[strip],
        render_kw={"rows": 8},
        description=_l("Write only what you are comfortable sharing."),
    )
    when = StringField(
        _l("When did it happen? (optional)"), validators=[max_length(200)], filters=[strip]
    )
    affected = RadioField(
        _l("Who was affected?"), choices=options(AFFECTED_LABELS.items()), default="me"
    )
    wishes = CheckboxesField(
        _l("What would you like the focal points to do?"),
        choices=options(WISH_LABELS.items()),
        description=_l("Nothing else is done without your consent."),
    )
    identity = RadioField(
        _l("Who you are"),
        choices=options(
            [
                ("anonymous", _l("Do not tell anyone who I am")),
                ("named", _l("The focal points may know it is me")),
            ]
        ),
        default="anonymous",
    )
    contact = TextAreaField(
        _l("How can a focal point reach you safely? (optional)"),
        validators=[max_length(500)],
        filters=[strip],
        render_kw={"rows": 2},
        description=_l("Only if you want to be contacted. Choose a way that is safe for you."),
    )
    evidence = FileField(
        _l("A file that shows what happened (optional)"),
        description=_l(
            "A PDF, DOCX, ODT, PNG or JPEG file. Hidden details such as the author or the "
            "place a photo was taken are removed, then it is sealed like your report."
        ),
    )

    def __init__(self, *args, consultations=(), signed_in=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation.choices = options(
            [("", _l("No, it is not about one consultation"))]
            + [(c.slug, c.title) for c in consultations]
        )
        if not signed_in:
            del self.identity


class CodeForm(Form):
    code = StringField(
        _l("Your private code"),
        validators=[required(), max_length(40)],
        filters=[strip],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ReporterMessageForm(Form):
    code = HiddenField()
    body = TextAreaField(
        _l("Add something to your report"),
        validators=[required(), max_length(5000)],
        filters=[strip],
        render_kw={"rows": 4},
    )
    evidence = FileField(_l("A file that shows what happened (optional)"))


class StatusForm(Form):
    status = SelectField(_l("Status"), choices=options(STATUS_LABELS.items()))


class ReplyForm(Form):
    body = TextAreaField(
        _l("Message to the person who reported"),
        validators=[required(), max_length(5000)],
        filters=[strip],
        render_kw={"rows": 4},
        description=_l("They read it with their private code. Do not ask for names."),
    )


class FocalPointForm(Form):
    identifier = StringField(
        _l("Sign-in name or e-mail of the person"),
        validators=[required(), max_length(254)],
        filters=[strip],
    )


class PasswordForm(Form):
    password = PasswordField(
        _l("Your password"),
        validators=[required(), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )


class RecoveryKeyForm(Form):
    recovery_key = StringField(
        _l("Your recovery key"),
        validators=[required(), max_length(60)],
        filters=[strip],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RestoreForm(RecoveryKeyForm):
    password = PasswordField(
        _l("Your password"),
        validators=[required(), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )


class ReplaceKeyForm(PasswordForm):
    understood = BooleanField(
        _l("I understand that I will not be able to read the earlier reports any more."),
        validators=[required()],
    )


class ShareForm(Form):
    user_id = IntegerField(validators=[required()])
