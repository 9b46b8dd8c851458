from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.forms import Form, options
from app.reference import language_name_in_reader_language


class CompilationForm(Form):
    grouping = SelectField(
        _l("Group the submissions"),
        choices=options(
            [
                ("question", _l("By guiding question")),
                ("objective", _l("By GCM objective")),
                ("cluster", _l("By round-table cluster")),
            ]
        ),
        default="question",
    )
    language = SelectField(
        _l("Language of headings and labels"),
        description=_l("The submissions stay in the language they were written in."),
    )

    # Translations into the chosen language (app/submission_translations).
    translations = SelectField(
        _l("Translations into this language"),
        choices=options(
            [
                ("checked", _l("Use checked translations; other texts as written")),
                ("unchecked", _l("Also use translations not checked yet, marked as not checked")),
                ("none", _l("No translations: every text as written")),
            ]
        ),
        default="checked",
        description=_l("The original follows each translated paragraph."),
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(
            (code, language_name_in_reader_language(code)) for code in languages
        )
