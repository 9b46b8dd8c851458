from __future__ import annotations

from wtforms import (
    EmailField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from app.forms import (
    FastSelect,
    Form,
    RegionChecklist,
    email_address,
    max_length,
    options,
    required,
    strip,
)
from app.i18n import lazy_gettext as _l
from app.organizations.models import KIND_LABELS, MEMBER_ROLE_LABELS
from app.reference import country_choices, language_choices


def kind_choices():
    return options((str(kind), label) for kind, label in KIND_LABELS.items())


def role_choices():
    return options((str(role), label) for role, label in MEMBER_ROLE_LABELS.items())


def _all():
    return options([("", _l("All"))])


class OrganizationForm(Form):
    name = StringField(_l("Name"), validators=[required(), max_length(160)], filters=[strip])
    kind = SelectField(_l("Kind of organization"), validators=[required()])
    countries = SelectMultipleField(
        _l("Countries where you work"),
        widget=RegionChecklist(),
        description=_l("Tick one or more."),
        validators=[required()],
    )
    languages = SelectMultipleField(
        _l("Working languages"),
        validators=[required()],
        widget=FastSelect("languages", multiple=True),
    )
    description = TextAreaField(
        _l("Short description"),
        validators=[max_length(3000)],
        description=_l("What you do, in a few lines. You can use Markdown: *italic*, **bold**."),
        render_kw={"rows": 6},
    )
    contact = TextAreaField(
        _l("Contact (optional)"),
        validators=[max_length(500)],
        filters=[strip],
        description=_l(
            "How people can reach the organization. Do not give a person's private phone."
        ),
        render_kw={"rows": 2},
    )
    listed = RadioField(
        _l("Who can find your organization?"),
        choices=options(
            [
                ("listed", _l("Listed: anyone can find it in the public directory once verified.")),
                (
                    "unlisted",
                    _l(
                        "Unlisted: only your members and the facilitators of your "
                        "consultations know it is here."
                    ),
                ),
            ]
        ),
        default="unlisted",  # safety defaults are off: the owner chooses to be listed
        validators=[required()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()
        self.countries.choices = options(country_choices())
        self.languages.choices = options(language_choices())

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "countries": self.countries.data,
            "languages": self.languages.data,
            "description": self.description.data,
            "contact": self.contact.data,
            "listed": self.listed.data == "listed",
        }

    def fill_from(self, org) -> None:
        self.name.data, self.kind.data = org.name, org.kind
        self.countries.data, self.languages.data = list(org.countries), list(org.languages)
        self.description.data, self.contact.data = org.description, org.contact
        self.listed.data = "listed" if org.listed else "unlisted"


class DirectoryFilterForm(Form):
    """Filters read from the URL (GET), so no CSRF token is involved."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search by name"), validators=[max_length(100)], filters=[strip])
    country = SelectField(_l("Country"), default="", widget=FastSelect("countries-all"))
    kind = SelectField(_l("Kind"), default="", widget=FastSelect("kinds-all"))
    language = SelectField(_l("Language"), default="", widget=FastSelect("languages-all"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _all() + options(country_choices())
        self.kind.choices = _all() + kind_choices()
        self.language.choices = _all() + options(language_choices())


class InvitationForm(Form):
    role = SelectField(_l("Role"), default="editor")
    email = EmailField(
        _l("Send the link by e-mail (optional)"),
        validators=[email_address],
        filters=[strip],
        description=_l("The e-mail contains only the link, not the name of your organization."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(Form):
    role = SelectField(_l("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class JoinRequestForm(Form):
    message = TextAreaField(
        _l("Message to the owners (optional)"),
        validators=[max_length(1000)],
        filters=[strip],
        render_kw={"rows": 3},
    )


class DecisionForm(Form):
    role = SelectField(_l("Role"), default="viewer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            required(),
            Length(min=5, max=1000, message=_l("Write between 5 and 1000 characters.")),
        ],
        filters=[strip],
        description=_l("The owners of the organization will read this."),
        render_kw={"rows": 3},
    )


class VerificationFilterForm(Form):
    class Meta:
        csrf = False

    state = SelectField(_l("State"), default="pending")
    kind = SelectField(_l("Kind"), default="", widget=FastSelect("kinds-all"))
    country = SelectField(_l("Country"), default="", widget=FastSelect("countries-all"))

    def __init__(self, *args, **kwargs):
        from app.organizations.models import VERIFICATION_LABELS

        super().__init__(*args, **kwargs)
        self.state.choices = _all() + options(
            (str(state), label) for state, label in VERIFICATION_LABELS.items()
        )
        self.kind.choices = _all() + kind_choices()
        self.country.choices = _all() + options(country_choices())
