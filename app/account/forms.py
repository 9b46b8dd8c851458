from __future__ import annotations

from flask import current_app
from wtforms import EmailField, PasswordField, SelectField, StringField

from app.auth.forms import NewPasswordMixin
from app.forms import FastSelect, Form, email_address, max_length, options, required, strip
from app.i18n import LANGUAGE_NAMES, timezone_choices
from app.i18n import lazy_gettext as _l


class ProfileForm(Form):
    display_name = StringField(
        _l("Display name"),
        validators=[required(), max_length(80)],
        filters=[strip],
        description=_l("Shown to others. A nickname is fine."),
    )
    locale = SelectField(_l("Language"))
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Dates and deadlines are shown in this time zone."),
        widget=FastSelect("timezones-unset"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = options(
            (code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]
        )
        self.timezone.choices = options(
            [("", _l("Not set (UTC)"))] + [(z, z) for z in timezone_choices()]
        )


class EmailForm(Form):
    email = EmailField(
        _l("New e-mail"),
        validators=[email_address],
        filters=[strip],
        description=_l("We send a link to confirm it. Leave empty to remove your e-mail."),
        render_kw={"autocomplete": "email"},
    )


class PasswordConfirmForm(Form):
    current_password = PasswordField(
        _l("Your password"),
        validators=[required()],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(NewPasswordMixin, PasswordConfirmForm):
    pass


class TwoFactorSetupForm(Form):
    code = StringField(
        _l("Code from your app"),
        validators=[required(), max_length(10)],
        filters=[strip],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
