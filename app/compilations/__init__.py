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
    from app.i18n import gettext as _

    return {
        "collecting": _("Gathering the accepted submissions"),
        "tables": _("Writing the data files"),
        "word": _("Writing the Word documents"),
        "pdf": _("Typesetting the PDF documents"),
        "saving": _("Saving the files"),
    }.get(stage or "", _("Waiting to start"))


@bp.app_template_global()
def compile_failure_label(run) -> str:
    """Why a compilation run stopped, in words the facilitator can act on."""
    from app.i18n import gettext as _

    if run.error == "NoSpace":
        return _("The server ran out of space. Tell the administrator.")
    if run.state != "failed" or run.error in ("Lost", "WorkerStopped"):
        return _("The worker that was building it stopped.")
    return _("It stopped because of an error (%(kind)s).", kind=run.error or _("unknown"))
