from flask import Blueprint

bp = Blueprint("compilations", __name__, template_folder="templates")

from app.compilations import routes  # noqa: E402,F401


@bp.app_template_global()
def compile_stage_label(stage: str | None) -> str:
    from flask_babel import gettext as _

    return {
        "collecting": _("Gathering the accepted submissions"),
        "tables": _("Writing the data files"),
        "word": _("Writing the Word documents"),
        "pdf": _("Typesetting the PDF documents"),
        "saving": _("Saving the files"),
    }.get(stage or "", _("Waiting to start"))
