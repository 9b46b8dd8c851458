from flask import Blueprint

bp = Blueprint("compilations", __name__, template_folder="templates")

from app.compilations import routes  # noqa: E402,F401


@bp.app_template_global()
def latest_published_compilation(consultation):
    """The newest published version, with its files: the consultation page shows the public
    ones. A template global, so that consultations need not know how they are compiled."""
    from app.compilations.queries import latest_published

    return latest_published(consultation)


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
