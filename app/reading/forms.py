"""The search form: a GET form whose fields are the URL's filters."""

from __future__ import annotations

from functools import cache

from flask_babel import LazyString
from markupsafe import Markup, escape
from wtforms import SearchField, SelectField
from wtforms.widgets import html_params

from app.consultations.forms import level_choices
from app.forms import FastSelect, Form, max_length, options, strip
from app.i18n import lazy_gettext as _l
from app.reading.search import MAX_QUERY, Filters
from app.reference import gcm


class PlainSelect:
    """A <select> whose options are written out directly: the lists of what has been
    published (consultations, places, languages) change with each publication, so they
    are not kept like FastSelect's, and WTForms' own widget costs ten times as much."""

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        chosen = str(field.data) if field.data is not None else None
        options = "".join(
            f'<option value="{escape(choice.value)}"'
            f"{' selected' if str(choice.value) == chosen else ''}>{escape(choice.label)}</option>"
            for choice in field.choices
        )
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


class SearchForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Words to find"), validators=[max_length(MAX_QUERY)], filters=[strip])
    consultation = SelectField(_l("Consultation"), default="", widget=PlainSelect())
    objective = SelectField(_l("Objective"), default="", widget=FastSelect("objectives-all"))
    place = SelectField(_l("Country or area"), default="", widget=PlainSelect())
    language = SelectField(_l("Language"), default="", widget=PlainSelect())
    level = SelectField(_l("Review level"), default="", widget=FastSelect("levels-all"))

    FILTERS = ("q", "consultation", "objective", "place", "language", "level")

    def __init__(self, *args, published=None, **kwargs):
        """`published`: the consultations, places and languages that have passages."""
        super().__init__(*args, **kwargs)
        everything = options([("", _l("All"))])
        consultations, places, languages = published or ([], [], [])
        self.consultation.choices = everything + options(consultations)
        self.objective.choices = everything + _objectives()
        self.place.choices = everything + options(places)
        self.language.choices = everything + options(languages)
        self.level.choices = everything + level_choices()

    def filters(self) -> Filters:
        objective = self.objective.data
        return Filters(
            q=self.q.data or "",
            consultation=self.consultation.data or "",
            objective=int(objective) if objective else None,
            place=self.place.data or "",
            language=self.language.data or "",
            level=self.level.data or "",
        )


@cache
def _objectives() -> list:
    """The objectives' choices, their labels translated only when FastSelect renders them
    (once per language): the form takes the values on every request."""
    return options(
        (str(o.number), LazyString(lambda number=o.number: gcm.objective(number).short_label))
        for o in gcm.objectives()
    )
