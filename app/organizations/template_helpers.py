"""Labels used by the organization templates, translated at render time."""

from app.organizations import bp
from app.organizations.models import KIND_LABELS, MEMBER_ROLE_LABELS, VERIFICATION_LABELS


@bp.app_template_global()
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def role_label(role: str) -> str:
    return str(MEMBER_ROLE_LABELS.get(role, role))


@bp.app_template_global()
def verification_label(state: str) -> str:
    return str(VERIFICATION_LABELS.get(state, state))


@bp.app_template_global()
def role_options() -> list[tuple[str, str]]:
    return [(str(role), str(label)) for role, label in MEMBER_ROLE_LABELS.items()]
