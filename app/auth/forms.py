from __future__ import annotations

import re

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, ValidationError

from app.auth.passwords import password_problem
from app.forms import Form, email_address, length_between, max_length, required, strip
from app.i18n import lazy_gettext as _l

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def strong_password(form, field) -> None:
    related = [
        getattr(form, name).data or ""
        for name in ("display_name", "username", "identifier")
        if hasattr(form, name)
    ]
    problem = password_problem(field.data or "", related)
    if problem:
        raise ValidationError(problem)


def valid_username(form, field) -> None:
    if field.data and not USERNAME.match(field.data.lower()):
        raise ValidationError(
            _l(
                "Use small letters, digits, dots, dashes or underscores, starting with a letter "
                "or digit."
            )
        )


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        validators=[required(), strong_password],
        description=_l("At least 12 characters. A few unrelated words work well."),
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("New password, again"),
        validators=[required(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class SignUpForm(NewPasswordMixin, Form):
    display_name = StringField(
        _l("Display name"),
        validators=[required(), max_length(80)],
        filters=[strip],
        description=_l("Shown to others. A nickname is fine; it need not be your real name."),
    )
    username = StringField(
        _l("Sign-in name"),
        validators=[required(), length_between(3, 40), valid_username],
        filters=[strip],
        description=_l("Private. You use it to sign in. Small letters and digits."),
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    email = EmailField(
        _l("E-mail (optional)"),
        validators=[email_address],
        filters=[strip],
        description=_l("Only for password resets and notices. You can leave it empty."),
        render_kw={"autocomplete": "email"},
    )


class SignInForm(Form):
    identifier = StringField(
        _l("Sign-in name or e-mail"),
        validators=[required(), max_length(254)],
        filters=[strip],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"), validators=[required()], render_kw={"autocomplete": "current-password"}
    )


class TwoFactorForm(Form):
    code = StringField(
        _l("Code"),
        validators=[required(), max_length(40)],
        filters=[strip],
        description=_l("The 6 digits from your authenticator app, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text"},
    )


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail"), validators=[required(), email_address], filters=[strip])


class ResetWithTokenForm(NewPasswordMixin, Form):
    pass


class ResetWithRecoveryCodeForm(NewPasswordMixin, Form):
    identifier = StringField(
        _l("Sign-in name or e-mail"),
        validators=[required(), max_length(254)],
        filters=[strip],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    code = StringField(
        _l("Recovery code"),
        validators=[required(), max_length(40)],
        filters=[strip],
        render_kw={"autocomplete": "off"},
    )
