"""Labels used by the organization templates, translated at render time."""

from collections.abc import Callable

from markupsafe import Markup, escape

from app.i18n import gettext as _
from app.organizations import bp
from app.organizations.models import KIND_LABELS, MEMBER_ROLE_LABELS, VERIFICATION_LABELS
from app.web import id_addresses, user_text


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


def _verified_badge() -> Markup:
    return Markup(' <span class="badge badge-verified" title="{}">✓ {}</span>').format(
        _("Verified by a facilitator"), _("Verified")
    )


def _linked_name(org, profile: Callable[[int], str], badge: Markup) -> Markup:
    """The name linked to its profile (`profile` gives the address of an id)."""
    verified = badge if org.verification == "verified" else ""
    return Markup(f'<a href="{profile(org.id)}" dir="auto">{escape(org.name)}</a>{verified}')


def _profiles() -> Callable[[int], str]:
    # Every profile address differs only by the id: routed once, the id put in each time.
    return id_addresses("organizations.profile", "org_id")


@bp.app_template_global()
def org_name(org, link: bool = True) -> Markup:
    """An organization's name with its verification badge, wherever the name appears.
    (In Python rather than a macro: a page may show 60 of them, and a macro call costs
    about ten times as much.)"""
    if link:
        return _linked_name(org, _profiles(), _verified_badge())
    name = user_text(org.name)
    return name + _verified_badge() if org.verification == "verified" else name


def org_names(organizations) -> list[Markup]:
    """Each organization's name as `org_name` writes it, built in one loop (for tables)."""
    profiles, badge = _profiles(), _verified_badge()
    return [_linked_name(org, profiles, badge) for org in organizations]


@bp.app_template_global()
def org_name_items(organizations) -> Markup:
    """One `<li>` per organization, each as `org_name` writes it, built in one loop."""
    return Markup("".join(f"<li>{name}</li>" for name in org_names(organizations)))
