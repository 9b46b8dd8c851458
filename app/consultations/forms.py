from __future__ import annotations

from functools import lru_cache

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.consultations.models import STATE_LABELS, UN_REGIONS
from app.forms import FastSelect, Form, SelectChoice, max_length, options, required, strip
from app.i18n import get_locale, timezone_choices
from app.i18n import lazy_gettext as _l
from app.reference import country_choices, gcm, language_choices


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def objective_choices():
    return options((str(o.number), o.label) for o in gcm.objectives())


def principle_choices():
    return options((p.key, p.label) for p in gcm.principles())


def level_choices():
    return options((level, gcm.level_label(level)) for level in gcm.REVIEW_LEVELS)


class ReviewForm(Form):
    level = SelectField(_l("Level"), validators=[required()])
    area_kind = RadioField(
        _l("Area"),
        choices=options(
            [
                ("city", _l("A city or province")),
                ("country", _l("A country")),
                ("region", _l("A UN region")),
            ]
        ),
        default="country",
        validators=[required()],
    )
    city = StringField(_l("City or province"), validators=[max_length(120)], filters=[strip])
    country = SelectField(_l("Country"), default="", widget=FastSelect("countries-none"))
    region = SelectField(_l("UN region"), default="asia-pacific")
    cycle = StringField(
        _l("Cycle"),
        validators=[required(), max_length(20)],
        filters=[strip],
        description=_l("For example the year: 2026."),
    )
    convening_body = StringField(
        _l("Convening body"), validators=[required(), max_length(200)], filters=[strip]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_choices()
        self.country.choices = options([("", "—")]) + options(country_choices())
        self.region.choices = options(UN_REGIONS.items())

    def validate_city(self, field):
        if self.area_kind.data == "city" and not field.data:
            raise ValidationError(_l("Write the name of the city or province."))

    def validate_country(self, field):
        if self.area_kind.data == "country" and not field.data:
            raise ValidationError(_l("Choose a country."))

    def area(self) -> str:
        return {"city": self.city.data, "country": self.country.data, "region": self.region.data}[
            self.area_kind.data
        ]

    def fill_from(self, review) -> None:
        self.level.data, self.area_kind.data = review.level, review.area_kind
        self.cycle.data, self.convening_body.data = review.cycle, review.convening_body
        {"city": self.city, "country": self.country, "region": self.region}[
            review.area_kind
        ].data = review.area


class ConsultationForm(Form):
    review_id = SelectField(_l("Review"), coerce=int, validators=[required()])
    title = StringField(_l("Title"), validators=[required(), max_length(200)], filters=[strip])
    description = TextAreaField(
        _l("Description"),
        validators=[max_length(10000)],
        description=_l("What the consultation is for and how its input will be used. Markdown."),
        render_kw={"rows": 8},
    )
    original_language = SelectField(
        _l("Language of this text"), validators=[required()], widget=FastSelect("languages")
    )
    objectives = CheckboxesField(_l("GCM objectives in scope"))
    principles = CheckboxesField(_l("Guiding principles in scope"))
    accepted_languages = CheckboxesField(
        _l("Languages in which organizations may write"), validators=[required()]
    )
    invitation_only = RadioField(
        _l("Who can take part?"),
        choices=options(
            [
                ("", _l("Any organization. Only verified organizations can submit.")),
                ("yes", _l("Only organizations that facilitators invite.")),
            ]
        ),
        default="",
    )
    timezone = SelectField(
        _l("Time zone of the dates below"),
        validators=[required()],
        default="Asia/Bangkok",
        widget=FastSelect("timezones"),
    )
    opens_at = DateTimeLocalField(_l("Opens for drafting"), validators=[required()])
    deadline_at = DateTimeLocalField(
        _l("Deadline for submissions"),
        validators=[required()],
        description=_l("Drafts are locked at this moment."),
    )
    review_meeting_at = DateTimeLocalField(_l("Review meeting (optional)"), validators=[Optional()])
    template = SelectField(
        _l("Start from a template"),
        default="",
        description=_l("Adds the objectives and one guiding question for each of them."),
    )

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.review_id.choices = options((r.id, label) for r, label in reviews)
        self.original_language.choices = options(language_choices())
        self.objectives.choices = objective_choices()
        self.principles.choices = principle_choices()
        self.accepted_languages.choices = options(language_choices())
        self.timezone.choices = options((z, z) for z in timezone_choices())
        self.template.choices = options(
            [("", _l("No template"))]
            + [(f"cluster-{c.number}", c.label) for c in gcm.clusters()]
            + [("all", _l("All 23 objectives"))]
        )

    def validate_deadline_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The deadline must come after the opening."))

    def validate_review_meeting_at(self, field):
        if field.data and self.deadline_at.data and field.data < self.deadline_at.data:
            raise ValidationError(_l("The review meeting must come after the deadline."))


class TranslationForm(Form):
    language = SelectField(_l("Language"), validators=[required()])
    title = StringField(
        _l("Title"),
        validators=[max_length(200)],
        filters=[strip],
        description=_l("Leave empty to remove this translation."),
    )
    description = TextAreaField(
        _l("Description"), validators=[max_length(10000)], render_kw={"rows": 6}
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(languages)


def all_texts_form(consultation, sessions, language: str, formdata=None) -> Form:
    """Every text of a consultation in one language: title, description, each guiding
    question with its help, each session title. Empty fields are texts left untranslated."""

    class AllTexts(Form):
        pass

    original = consultation.original_language
    text = consultation.texts.get(original, {})
    translated = consultation.texts.get(language, {})

    def add(name, field_class, label, limit, value, original_text, rows=None):
        field = field_class(
            label,
            validators=[max_length(limit)],
            filters=[strip],
            default=value or "",
            render_kw={"rows": rows} if rows else {},
        )
        setattr(AllTexts, name, field)
        originals[name] = original_text or ""

    originals: dict[str, str] = {}
    add("title", StringField, _l("Title"), 200, translated.get("title"), text.get("title"))
    add(
        "description",
        TextAreaField,
        _l("Description"),
        10000,
        translated.get("description"),
        text.get("description"),
        rows=6,
    )
    for number, question in enumerate(consultation.questions, start=1):
        mine, theirs = question.texts.get(language, {}), question.texts.get(original, {})
        add(
            f"q{question.id}_text",
            TextAreaField,
            _l("Question %(number)d", number=number),
            1000,
            mine.get("text"),
            theirs.get("text"),
            rows=3,
        )
        add(
            f"q{question.id}_help",
            TextAreaField,
            _l("Help for writers, question %(number)d", number=number),
            2000,
            mine.get("help"),
            theirs.get("help"),
            rows=3,
        )
    for session in sessions:
        add(
            f"s{session.id}_title",
            StringField,
            _l("Session title"),
            200,
            (session.title_texts or {}).get(language),
            session.title,
        )
    form = AllTexts(formdata=formdata) if formdata is not None else AllTexts()
    form.originals = originals
    form.original_language = original

    def check_title(field_form):
        # A translation of the description or of a question needs the title: a page in that
        # language starts with it.
        if field_form.title.data:
            return True
        others = [
            f.data for name, f in field_form._fields.items() if name not in ("title", "csrf_token")
        ]
        if any(others):
            field_form.title.errors = [*field_form.title.errors, _l("Translate the title too.")]
            return False
        return True

    form.check_title = lambda: check_title(form)
    return form


class QuestionForm(Form):
    text = TextAreaField(
        _l("Question"),
        validators=[required(), max_length(1000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    help = TextAreaField(
        _l("Help for writers (optional)"),
        validators=[max_length(2000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    objectives = CheckboxesField(_l("Objectives this question covers"))
    word_limit = IntegerField(
        _l("Word limit"),
        default=500,
        validators=[
            required(),
            NumberRange(min=50, max=10000, message=_l("Use a number between %(min)s and %(max)s.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives.choices = objective_choices()


class DocumentForm(Form):
    title = StringField(_l("Title"), validators=[required(), max_length(200)], filters=[strip])
    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("PDF, Word (DOCX), OpenDocument (ODT), PNG, JPEG or WebP."),
    )


class StaffForm(Form):
    identifier = StringField(
        _l("Sign-in name or e-mail of the person"),
        validators=[required(), max_length(254)],
        filters=[strip],
    )
    role = SelectField(
        _l("Role"),
        choices=options(
            [
                ("facilitator", _l("Facilitator")),
                ("un-reviewer", _l("UN reviewer")),
                ("focal-point", _l("Safeguarding focal point")),
            ]
        ),
    )


class JoinForm(Form):
    organization_id = SelectField(_l("Organization"), coerce=int)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = options((o.id, o.name) for o in organizations)


@lru_cache(maxsize=32)
def _list_filter_choices(locale: str) -> tuple[tuple[SelectChoice, ...], ...]:
    """The list filters' fixed choices in one language (levels, objectives, states,
    languages), each with "All" first: the same on every view of the list, so made once per
    language rather than translated again on each view. `locale` is the key only: the
    labels are translated in the request's language, which it names."""

    def with_all(pairs) -> tuple[SelectChoice, ...]:
        return tuple(options([("", str(_l("All"))), *((v, str(label)) for v, label in pairs)]))

    return (
        with_all((level.value, level.label) for level in level_choices()),
        with_all((str(o.number), o.short_label) for o in gcm.objectives()),
        with_all((str(state), label) for state, label in STATE_LABELS.items() if state != "draft"),
        with_all(language_choices()),
    )


class ListFilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[max_length(100)], filters=[strip])
    level = SelectField(_l("Level"), default="", widget=FastSelect("levels-all"))
    area = SelectField(_l("Area"), default="", widget=FastSelect("areas-all"))
    objective = SelectField(_l("Objective"), default="", widget=FastSelect("objectives-all"))
    state = SelectField(_l("State"), default="", widget=FastSelect("states-all"))
    language = SelectField(_l("Language"), default="", widget=FastSelect("languages-all"))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        level, objective, state, language = _list_filter_choices(str(get_locale()))
        self.level.choices = list(level)
        self.area.choices = [level[0], *options(areas)]  # "All", then the areas in use
        self.objective.choices = list(objective)
        self.state.choices = list(state)
        self.language.choices = list(language)

    FILTERS = ("q", "level", "area", "objective", "state", "language")

    def values(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in self.FILTERS}
