"""Labels for the moderation templates."""

from __future__ import annotations

from app.i18n import lazy_gettext as _l
from app.moderation import bp
from app.moderation.models import FLAG_REASONS

ACTION_LABELS = {
    "moderation.flagged": _l("flagged"),
    "moderation.hidden": _l("hidden"),
    "moderation.unhidden": _l("shown again"),
    "moderation.dismissed": _l("flags closed, text kept"),
    "board.approved": _l("approved"),
    "board.merged": _l("merged as a duplicate"),
    "board.pinned": _l("pinned"),
    "board.unpinned": _l("unpinned"),
}
KIND_LABELS = {"comment": _l("Comment"), "contribution": _l("Board point")}


@bp.app_template_global()
def flag_reason_label(key: str) -> str:
    return FLAG_REASONS.get(key, key)


@bp.app_template_global()
def moderation_action_label(key: str) -> str:
    return ACTION_LABELS.get(key, key)


@bp.app_template_global()
def text_kind_label(key: str) -> str:
    return KIND_LABELS.get(key, key)
