"""The base form and validators with messages in our own catalogs."""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length, Optional, ValidationError

# WTForms' own messages, listed so that they are extracted into our catalogs and
# translated like everything else (WTForms ships no Filipino or Nepali).
WTFORMS_MESSAGES = [
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("'%(value)s' is not a valid choice for this field."),
    _l("'%(value)s' are not valid choices for this field."),
]


class _OurTranslations:
    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        from flask_babel import ngettext

        return ngettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _OurTranslations()


def required():
    return DataRequired(message=_l("Fill in this field."))


def optional():
    return Optional()


def max_length(count: int):
    return Length(max=count, message=_l("Use at most %(max)d characters."))


def length_between(low: int, high: int):
    return Length(min=low, max=high, message=_l("Use between %(min)d and %(max)d characters."))


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(form, field) -> None:
    if field.data and (len(field.data) > 254 or not _EMAIL.match(field.data.strip())):
        raise ValidationError(_l("Enter an e-mail address like name@example.org."))


def strip(value):
    return value.strip() if isinstance(value, str) else value
