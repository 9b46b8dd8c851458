from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from app.forms import Form, max_length, options, required, strip
from app.i18n import lazy_gettext as _l


class AddTranslationForm(Form):
    language = SelectField(_l("Translate into"), validators=[required()])
    credit = SelectField(
        _l("Credit the translation to"),
        validators=[required()],
        description=_l("This is printed with the translation, and in compiled inputs."),
    )
    show_name = BooleanField(
        _l("Also show my name with the translation"),
        description=_l("Leave this unticked to stay unnamed."),
    )

    def __init__(self, *args, languages=(), credits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(languages)
        self.credit.choices = options(credits)


class SectionForm(Form):
    body = TextAreaField(
        _l("Translation"),
        validators=[required(), max_length(60000)],
        filters=[strip],
        description=_l(
            "One paragraph for each paragraph of the original, separated by a blank line, "
            "so that paragraph numbers stay the same in every language."
        ),
        render_kw={"rows": 16},
    )
    version = HiddenField()


class TranslatorForm(Form):
    identifier = StringField(
        _l("Sign-in name or e-mail of the person"),
        validators=[required(), max_length(254)],
        filters=[strip],
    )
