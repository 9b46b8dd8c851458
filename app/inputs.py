"""What a request may bring in: ids that fit the database, and text without NUL characters.

Malformed input is the sender's mistake, so it must end in a 404 or a form error, never in
an error from the database (a 500). Two kinds reach SQL unless they are stopped here:

- numbers larger than an id column holds (PostgreSQL's `integer` ends at 2147483647,
  SQLite's at 2**63 - 1): every `<int:...>` in a URL stops at MAX_ID, and ids read from
  forms and query strings go through `id_from`;
- the NUL character, which PostgreSQL cannot store in text. Nobody types one and browsers
  never send one from a text field, so it is removed from every form field, query
  parameter and file name; the rest of what the person typed is kept. A URL part that
  holds one matches no route (404).
"""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, Request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter

MAX_ID = 2**31 - 1  # the largest value of an `integer` column on PostgreSQL
_MAX_ID_DIGITS = len(str(MAX_ID))


def id_from(raw: Any) -> int | None:
    """The id written in `raw` (a form or query value), or None when it is not a whole
    number between 1 and MAX_ID."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_ID_DIGITS:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def number_from(raw: Any, default: int, highest: int = MAX_ID) -> int | None:
    """A whole number from a query value (a page number): `default` when none was given,
    None when it is not one between 1 and `highest`."""
    if raw is None or str(raw).strip() == "":
        return default
    number = id_from(raw)
    return number if number is not None and number <= highest else None


def without_nul(text: str) -> str:
    return text.replace("\x00", "") if "\x00" in text else text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return without_nul(value)
    if isinstance(value, FileStorage) and value.filename:
        value.filename = without_nul(value.filename)
    return value


class RequestValues(ImmutableMultiDict):
    """Form fields, query parameters and uploaded files as parsed, without NUL characters."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, dict):
            if hasattr(mapping, "getlist"):
                pairs = cast(MultiDict, mapping).items(multi=True)
            else:
                pairs = mapping.items()
        else:
            pairs = mapping
        super().__init__([(_clean(key), _clean(value)) for key, value in pairs])


class CleanRequest(Request):
    parameter_storage_class = RequestValues


def _digits_up_to(limit: int) -> str:
    """A regular expression for the numbers written with ASCII digits from 0 to `limit`."""
    digits = str(limit)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    lower_at = [
        rf"{digits[:at]}[0-{int(digit) - 1}]\d{{{len(digits) - at - 1}}}"
        for at, digit in enumerate(digits)
        if digit != "0"
    ]
    return "(?:" + "|".join([*shorter, *lower_at, digits]) + ")"


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>`: a number a database id can hold. A larger one matches no route, so it is
    a 404 (were it refused after matching, a POST could get a 405 from a GET rule)."""

    regex = _digits_up_to(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<name>` and `<string:name>`: any text but a slash or a NUL character."""

    def __init__(self, map, minlength=1, maxlength=None, length=None) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def apply_input_rules(app: Flask) -> None:
    """Before any route is added: the converters decide how each URL part is read."""
    app.request_class = CleanRequest
    app.url_map.converters.update(
        int=BoundedIntegerConverter,
        default=TextConverter,
        string=TextConverter,
    )
