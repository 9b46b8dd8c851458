"""The one place where permissions are decided: may(user, action, obj).

Routes call require(); templates call may(). Each action maps to one rule function that
takes the acting user (possibly anonymous) and the object, and answers True or False.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort

Rule = Callable[[Any, Any], bool]
RULES: dict[str, Rule] = {}


def rule(*actions: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in RULES:
                raise RuntimeError(f"two rules for {action}")
            RULES[action] = fn
        return fn

    return register


def may(user, action: str, obj: Any = None) -> bool:
    try:
        check = RULES[action]
    except KeyError:
        raise LookupError(f"no policy rule for {action!r}") from None
    return bool(check(user, obj))


def require(user, action: str, obj: Any = None, *, hide: bool = False) -> None:
    """Stop the request unless allowed: 403, or 404 when even existence must stay hidden."""
    if not may(user, action, obj):
        abort(404 if hide else 403)


# --- Who someone is -----------------------------------------------------------------------


def signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_staff(user, role: str) -> bool:
    """A staff role only counts once the account has a second factor."""
    return signed_in(user) and user.role == role and user.has_two_factor


def is_admin(user) -> bool:
    return is_staff(user, "admin")


# --- Accounts -------------------------------------------------------------------------------


@rule("account.manage")
def _own_account(user, _obj) -> bool:
    return signed_in(user)


@rule("admin.access")
def _admin_area(user, _obj) -> bool:
    return is_admin(user)
