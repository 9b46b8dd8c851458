"""The base form and validators with messages in our own catalogs."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import cast

from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3, stubs 3.2
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import html_params

from app.i18n import gettext
from app.i18n import lazy_gettext as _l

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
        # WTForms fills in the placeholders itself (flask_babel.ngettext would fill in only
        # %(num)s, and fail on the others), and each form is its own entry in our catalogs.
        return gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _OurTranslations()


def add_error(field: Field, message: str) -> None:
    """Show a message at a field that was valid but that a service then refused. (validate()
    leaves a list in field.errors; WTForms' stubs type it as any sequence.)"""
    cast(list, field.errors).append(message)


def required():
    return DataRequired(message=_l("Fill in this field."))


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


def options(pairs) -> list[SelectChoice]:
    """Choices for a select or radio field, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class _KeptMarkup:
    """Markup kept per key in this process, bounded (least recently used goes first): the
    keys hold option values, and lists built from data (levels, countries of a review) could
    otherwise add an entry per variant for ever."""

    def __init__(self, keep: int = 64):
        self.keep = keep
        self._items: OrderedDict[tuple, str] = OrderedDict()

    def get_or_make(self, key: tuple, make) -> str:
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = make()
            while len(self._items) > self.keep:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return found


class FastSelect:
    """A <select> whose long option list is rendered once per language and reused.

    WTForms renders each option through its widget machinery, which costs more than the
    rest of a page for 250 countries or 400 time zones. The options' markup is kept per
    (list name, language, values) in this process; the chosen values are marked after.
    """

    _rendered = _KeptMarkup()

    def __init__(self, list_name: str, multiple: bool = False):
        self.list_name = list_name
        self.multiple = multiple

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        values = tuple(str(choice.value) for choice in field.choices)
        key = (self.list_name, str(get_locale()), values)
        options = self._rendered.get_or_make(
            key,
            lambda: "".join(
                f'<option value="{escape(choice.value)}">{escape(choice.label)}</option>'
                for choice in field.choices
            ),
        )
        chosen = field.data if isinstance(field.data, (list, tuple)) else [field.data]
        for value in chosen:
            if value is not None and str(value) in values:
                marker = f'<option value="{escape(value)}">'
                options = options.replace(marker, marker[:-1] + " selected>", 1)
        attributes = html_params(name=field.name, **kwargs)
        return Markup(f"<select {attributes}>{options}</select>")


class RegionChecklist:
    """Countries as checkboxes grouped by continent, instead of a 250-entry multiple select
    that needs Ctrl. Works without JavaScript; with it, a filter box above the list hides the
    countries whose name does not match what is typed (app.js: data-filter).

    Like FastSelect, the markup of the whole list is kept per language; ticked countries are
    marked after."""

    _rendered = _KeptMarkup()

    def __call__(self, field, **kwargs) -> Markup:
        from app.reference.regions import grouped_countries

        values = tuple(str(choice.value) for choice in field.choices)
        key = (field.name, str(get_locale()), values)

        def make() -> str:
            labels = {str(choice.value): choice.label for choice in field.choices}
            parts = []
            for number, (region, codes) in enumerate(grouped_countries(labels)):
                items = "".join(
                    f'<li><input type="checkbox" name="{escape(field.name)}" value="{escape(code)}"'
                    f' id="{escape(field.id)}-{code}"> <label for="{escape(field.id)}-{code}">'
                    f"{escape(labels[code])}</label></li>"
                    for code in codes
                )
                parts.append(
                    f'<fieldset class="region" data-filter-group>'
                    f'<legend id="{escape(field.id)}-region-{number}">{escape(region)}</legend>'
                    f'<ul class="checkbox-list">{items}</ul></fieldset>'
                )
            return "".join(parts)

        boxes = self._rendered.get_or_make(key, make)
        for value in field.data or ():
            if str(value) in values:
                marker = f'value="{escape(value)}" id='
                boxes = boxes.replace(marker, f'value="{escape(value)}" checked id=', 1)
        filter_id = f"{field.id}-filter"
        label = escape(gettext("Find a country"))
        search = (
            f'<div class="field filter-box" hidden><label for="{filter_id}">{label}</label>'
            f'<input type="search" id="{filter_id}" data-filter="#{escape(field.id)}-list"'
            f' autocomplete="off"></div>'
        )
        listing = f'<div id="{escape(field.id)}-list" class="region-list">{boxes}</div>'
        return Markup(search + listing)
