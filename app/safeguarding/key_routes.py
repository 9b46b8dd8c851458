"""A focal point's key (enrol, unlock, restore, replace) and nominations to the role."""

from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.account.services import WrongPassword, confirm_password
from app.extensions import db, limiter
from app.forms import add_error
from app.i18n import gettext as _
from app.policy import require
from app.safeguarding import bp, keys, nominations
from app.safeguarding.forms import (
    PasswordForm,
    RecoveryKeyForm,
    ReplaceKeyForm,
    RestoreForm,
)
from app.safeguarding.models import FocalPointNomination
from app.safeguarding.sealing import CannotOpen
from app.timeutil import utcnow
from app.web import go_to, render, safe_next


def _limit():
    return limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])


def _me():
    return current_user._get_current_object()


def _password_ok(form) -> bool:
    try:
        confirm_password(_me(), form.password.data)
    except WrongPassword:
        add_error(form.password, _("This is not your current password."))
        return False
    return True


# --- Nominations ----------------------------------------------------------------------------


@bp.get("/nominations")
@login_required
def nominations_page():
    require(current_user, "safety.nominations")
    return render(
        "safeguarding/nominations.html",
        nominations=nominations.nominations_of(current_user),
        key=keys.key_of(current_user),
    )


def _nomination(nomination_id: int, action: str) -> FocalPointNomination:
    found = db.get_or_404(FocalPointNomination, nomination_id)
    require(current_user, action, found, hide=True)
    return found


@bp.post("/nominations/<int:nomination_id>/accept")
@login_required
def accept_nomination(nomination_id: int):
    found = _nomination(nomination_id, "nomination.respond")
    if not current_user.has_two_factor:
        flash(_("A focal point needs a second factor. Set it up, then accept again."), "info")
        return go_to(url_for("account.two_factor_setup"))
    became = nominations.accept(_me(), found, utcnow())
    db.session.commit()
    if became:
        flash(_("You are now a safeguarding focal point."), "success")
        return go_to(url_for("safeguarding.inbox"))
    flash(_("Thank you. Now set up your key: reports will be sealed to it."), "info")
    return go_to(url_for("safeguarding.key"))


@bp.post("/nominations/<int:nomination_id>/decline")
@login_required
def decline_nomination(nomination_id: int):
    found = _nomination(nomination_id, "nomination.respond")
    nominations.decline(_me(), found, utcnow())
    db.session.commit()
    flash(_("You declined. Nothing changes for you."), "info")
    return go_to(url_for("safeguarding.nominations_page"))


@bp.post("/nominations/<int:nomination_id>/withdraw")
@login_required
def withdraw_nomination(nomination_id: int):
    found = _nomination(nomination_id, "nomination.withdraw")
    slug = found.consultation.slug if found.consultation else None
    nominations.withdraw(_me(), found, utcnow())
    db.session.commit()
    flash(_("The proposal is withdrawn."), "info")
    if slug:
        return go_to(url_for("consultations.staff", slug=slug))
    return go_to(url_for("safeguarding.focal_points"))


# --- The key ----------------------------------------------------------------------------------


def _key_page(status=200, **forms):
    return render(
        "safeguarding/key.html",
        status=status,
        key=keys.key_of(current_user),
        unlocked=keys.is_unlocked(current_user),
        create_form=forms.get("create_form") or PasswordForm(formdata=None),
        restore_form=forms.get("restore_form") or RestoreForm(formdata=None),
        replace_form=forms.get("replace_form") or ReplaceKeyForm(formdata=None),
    )


@bp.route("/key", methods=["GET", "POST"])
@login_required
@_limit()
def key():
    """See the state of one's key; POST creates it (enrolment)."""
    require(current_user, "safety.key")
    if request.method == "GET":
        return _key_page()
    form = PasswordForm()
    if not form.validate_on_submit() or not _password_ok(form):
        return _key_page(422, create_form=form)
    try:
        _row, recovery_key, _private = keys.create_key(_me(), form.password.data or "", utcnow())
    except keys.AlreadyEnrolled:
        return go_to(url_for("safeguarding.key"))
    db.session.commit()
    return _recovery_page(recovery_key)


def _recovery_page(recovery_key: str | None, form=None, status=200):
    """The recovery key, shown in this answer only, and the form to confirm it is stored."""
    return render(
        "safeguarding/recovery_key.html",
        status=status,
        recovery_key=recovery_key,
        form=form or RecoveryKeyForm(formdata=None),
    )


@bp.post("/key/confirm")
@login_required
@_limit()
def confirm_key():
    require(current_user, "safety.key")
    form = RecoveryKeyForm()
    if not form.validate_on_submit():
        return _recovery_page(None, form, 422)
    try:
        private_key = keys.confirm_key(_me(), form.recovery_key.data or "", utcnow())
    except CannotOpen:
        add_error(
            form.recovery_key,
            _("This is not the recovery key we showed you. Check it and try again."),
        )
        return _recovery_page(None, form, 422)
    keys.remember_unlocked(private_key)
    joined = nominations.after_enrolment(_me(), utcnow())
    db.session.commit()
    if joined:
        flash(_("Your key is ready. You are now a safeguarding focal point."), "success")
    else:
        flash(_("Your key is ready."), "success")
    return go_to(url_for("safeguarding.key"))


@bp.post("/key/restore")
@login_required
@_limit()
def restore_key():
    """After a password reset: the recovery key gives back access to earlier reports."""
    require(current_user, "safety.key")
    form = RestoreForm()
    if not form.validate_on_submit() or not _password_ok(form):
        return _key_page(422, restore_form=form)
    try:
        private_key = keys.restore_with_recovery_key(
            _me(), form.recovery_key.data or "", form.password.data or "", utcnow()
        )
    except CannotOpen:
        add_error(form.recovery_key, _("This recovery key does not open your key."))
        return _key_page(422, restore_form=form)
    keys.remember_unlocked(private_key)
    db.session.commit()
    flash(_("Your key is back. You can read your reports again."), "success")
    return go_to(url_for("safeguarding.inbox"))


@bp.post("/key/replace")
@login_required
@_limit()
def replace_key():
    """The recovery key is lost too: a new key. Earlier reports stay unreadable for this
    person until another focal point shares them again."""
    require(current_user, "safety.key")
    form = ReplaceKeyForm()
    if not form.validate_on_submit() or not _password_ok(form):
        return _key_page(422, replace_form=form)
    _row, recovery_key, _private = keys.create_key(
        _me(), form.password.data or "", utcnow(), replace=True
    )
    db.session.commit()
    return _recovery_page(recovery_key)


@bp.route("/unlock", methods=["GET", "POST"])
@login_required
@_limit()
def unlock():
    """Unlock one's key for this session with the password (e.g. signed in before enrolling)."""
    require(current_user, "safety.key")
    next_url = safe_next(request.args.get("next"), "safeguarding.inbox")
    form = PasswordForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("safeguarding/unlock.html", status=status, form=form, next_url=next_url)
    private_key = keys.open_with_password(_me(), form.password.data or "")
    if private_key is None or not _password_ok(form):
        if not form.password.errors:
            add_error(form.password, _("This password does not open your key."))
        return render("safeguarding/unlock.html", status=422, form=form, next_url=next_url)
    keys.remember_unlocked(private_key)
    db.session.commit()
    return go_to(next_url)
