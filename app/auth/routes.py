"""Sign up, sign in (with a second factor), sign out, and password resets."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.auth import bp, services
from app.auth.forms import (
    ResetRequestForm,
    ResetWithRecoveryCodeForm,
    ResetWithTokenForm,
    SignInForm,
    SignUpForm,
    TwoFactorForm,
)
from app.auth.models import User
from app.auth.sessions import end_session, start_session
from app.auth.tokens import TokenExpired, TokenInvalid, find_token
from app.extensions import csrf, db, limiter
from app.forms import add_error
from app.i18n import gettext as _
from app.mail import mail_enabled
from app.ratelimits import counts_as_failure
from app.security import account_rate_limit_key
from app.timeutil import utcnow
from app.web import go_to, render, render_invalid, safe_next

PENDING_SECONDS = 300


def _limit(setting: str, **options):
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], **options)


# Only refused sign-ups count: many people may create their accounts from one shared
# address (an office, an NGO's workshop), while guessing taken names is still limited.
@bp.route("/sign-up", methods=["GET", "POST"])
@_limit("RATELIMIT_SIGN_UP", deduct_when=counts_as_failure)
def sign_up():
    form = SignUpForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("auth/sign_up.html", "form", status=status, form=form)
    try:
        user, codes = services.create_account(
            username=form.username.data or "",
            display_name=form.display_name.data or "",
            password=form.password.data or "",
            locale=session.get("locale"),
            now=utcnow(),
        )
    except services.UsernameTaken:
        add_error(form.username, _("This sign-in name is taken. Choose another."))
        return render_invalid("auth/sign_up.html", "form", form=form)
    if form.email.data:
        services.request_email_confirmation(user, form.email.data, utcnow())
    db.session.commit()
    start_session(user)
    db.session.commit()
    return render("auth/recovery_codes.html", codes=codes, first_time=True)


@bp.route("/sign-in", methods=["GET", "POST"])
@_limit("RATELIMIT_SIGN_IN")
@_limit("RATELIMIT_SIGN_IN", key_func=account_rate_limit_key)
def sign_in():
    form = SignInForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("auth/sign_in.html", "form", status=status, form=form)
    user = services.authenticate(form.identifier.data or "", form.password.data or "", utcnow())
    db.session.commit()
    if user is None:
        add_error(form.password, _("The name or the password is wrong."))
        return render_invalid("auth/sign_in.html", "form", form=form)
    next_url = safe_next(request.args.get("next"))
    # A focal point's password also opens their private key, for this sign-in only.
    private_key = seal_keys().open_with_password(user, form.password.data)
    if user.has_two_factor:
        session["pending_user"] = user.get_id()
        session["pending_at"] = int(utcnow().timestamp())
        session["pending_next"] = next_url
        seal_keys().hold_until_second_factor(private_key)
        return go_to(url_for("auth.second_factor"))
    start_session(user, bytes(private_key) if private_key else None)
    services.record_sign_in(user, utcnow())
    db.session.commit()
    return go_to(next_url)


def seal_keys():
    """Focal points' keys (imported late: the safeguarding area builds on accounts)."""
    from app.safeguarding import keys

    return keys


def _pending_user() -> User | None:
    if int(utcnow().timestamp()) - session.get("pending_at", 0) > PENDING_SECONDS:
        return None
    from app.auth.sessions import account_for_identity

    return account_for_identity(session.get("pending_user", ""))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@_limit("RATELIMIT_TWO_FACTOR")
def second_factor():
    user = _pending_user()
    if user is None:
        seal_keys().take_held_key()  # an unlocked key never outlives the pending sign-in
        flash(_("That took too long. Please sign in again."), "info")
        return redirect(url_for("auth.sign_in"))
    form = TwoFactorForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("auth/second_factor.html", "form", status=status, form=form)
    if not services.check_second_factor(user, form.code.data or "", utcnow()):
        db.session.commit()
        add_error(form.code, _("This code does not work. Check it and try again."))
        return render_invalid("auth/second_factor.html", "form", form=form)
    next_url = session.get("pending_next") or url_for("main.home")
    start_session(user, seal_keys().take_held_key())
    services.record_sign_in(user, utcnow())
    db.session.commit()
    return go_to(next_url)


@bp.post("/sign-out")
def sign_out():
    end_session()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return go_to(url_for("main.home"))


# Quick exit: the link (no JavaScript) and the script (a POST, then location.replace) both
# come here. It only ever signs out, so it needs no form token: a page elsewhere that makes
# someone's browser open it can at worst sign them out, and a quick exit that fails because
# a token expired would be far worse. Clear-Site-Data empties the browser's cache, cookies
# and storage for this site, so Back and the history show nothing kept.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


@bp.route("/quick-exit", methods=["GET", "POST"])
@csrf.exempt
def quick_exit():
    end_session()
    db.session.commit()
    session.clear()  # not even the language choice: the cookie is removed
    response: BaseResponse
    if request.method == "POST":
        response = current_app.response_class(status=204)
    else:
        response = redirect(current_app.config["QUICK_EXIT_URL"], code=303)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    services.sign_out_everywhere(current_user._get_current_object(), utcnow())
    end_session()
    db.session.commit()
    flash(_("You are signed out on every device."), "info")
    return go_to(url_for("main.home"))


@bp.route("/reset", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_request():
    form = ResetRequestForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render(
            "auth/reset_request.html", "form", status=status, form=form, mail=mail_enabled()
        )
    services.request_password_reset(form.email.data or "")
    db.session.commit()
    return render("auth/reset_sent.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_with_token(token: str):
    try:
        find_token(token, "reset", utcnow())
    except TokenExpired:
        return render("auth/link_problem.html", status=410, problem="expired")
    except TokenInvalid:
        return render("auth/link_problem.html", status=404, problem="invalid")
    form = ResetWithTokenForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("auth/reset_token.html", "form", status=status, form=form, token=token)
    user = services.reset_with_token(token, form.password.data or "", utcnow())
    locked = seal_keys().password_was_reset(user, utcnow())
    db.session.commit()
    _say_reset(locked)
    return go_to(url_for("auth.sign_in"))


@bp.route("/reset/recovery-code", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_with_recovery_code():
    form = ResetWithRecoveryCodeForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("auth/reset_recovery.html", "form", status=status, form=form)
    try:
        user = services.reset_with_recovery_code(
            form.identifier.data or "", form.code.data or "", form.password.data or "", utcnow()
        )
    except services.ResetRefused:
        db.session.rollback()
        add_error(form.code, _("This did not work. Check the name and the code."))
        return render_invalid("auth/reset_recovery.html", "form", form=form)
    locked = seal_keys().password_was_reset(user, utcnow())
    db.session.commit()
    _say_reset(locked)
    return go_to(url_for("auth.sign_in"))


def _say_reset(locked_key: bool) -> None:
    flash(_("Your password is changed. Sign in with it now."), "success")
    if locked_key:
        flash(
            _(
                "Your safety reports key did not follow the reset: you cannot read your "
                "earlier reports now. After signing in, enter your recovery key to get them back."
            ),
            "warning",
        )


@bp.get("/confirm-email/<token>")
def confirm_email(token: str):
    try:
        outcome = services.confirm_email(token, utcnow())
    except TokenExpired:
        return render("auth/link_problem.html", status=410, problem="expired")
    except TokenInvalid:
        return render("auth/link_problem.html", status=404, problem="invalid")
    db.session.commit()
    return render("auth/email_confirmed.html", outcome=outcome)
