from __future__ import annotations

from wtforms import RadioField, TextAreaField

from app.forms import Form, max_length, options, required, strip
from app.i18n import lazy_gettext as _l
from app.moderation.models import FLAG_REASONS


class FlagForm(Form):
    reason = RadioField(
        _l("What is wrong with it?"),
        choices=options(FLAG_REASONS.items()),
        validators=[required()],
    )
    details = TextAreaField(
        _l("Anything the facilitators should know (optional)"),
        validators=[max_length(1000)],
        filters=[strip],
        render_kw={"rows": 3},
    )


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason, shown to the author"),
        validators=[required(), max_length(500)],
        filters=[strip],
        render_kw={"rows": 2},
    )
