from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from app.forms import Form, options
from app.i18n import lazy_gettext as _l
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

    symbol = StringField(
        _l("Document symbol (optional)"),
        description=_l(
            "Given by the convening body, for example ESCAP/GCM/2027/INF/3. "
            "It is printed on every page."
        ),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            Optional(),
            Length(max=80, message=_l("Use at most 80 characters.")),
            Regexp(
                r"^[A-Za-z0-9/.()\- ]+$",
                message=_l("Use letters, digits, spaces and / . - ( ) only."),
            ),
        ],
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


class PublishForm(Form):
    """The confirmation before a version goes public: publishing alone never closes drafting."""

    confirm = HiddenField()  # "yes" from the confirmation page only
    close_drafting = BooleanField(
        _l("Also close drafting: mark the consultation as compiled"),
        default=False,
        description=_l(
            "Organizations can then no longer start or send submissions, even before the "
            "deadline. Leave this unchecked to keep drafting open."
        ),
    )
