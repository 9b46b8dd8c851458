"""The account pages: a person manages what the platform holds about them."""

from __future__ import annotations

import json

from flask import Response, flash, render_template, session, url_for
from flask_login import current_user, login_required

from app.account import bp, services
from app.account.forms import (
    ChangePasswordForm,
    EmailForm,
    PasswordConfirmForm,
    ProfileForm,
    TwoFactorSetupForm,
)
from app.auth import totp
from app.auth.services import request_email_confirmation, unused_recovery_codes
from app.auth.sessions import end_session, start_session
from app.extensions import db
from app.forms import add_error
from app.i18n import gettext as _
from app.mail import mail_enabled
from app.timeutil import utcnow
from app.web import go_to, render


def _page(status: int = 200, **forms) -> Response:
    context = {
        "profile_form": forms.get("profile_form") or ProfileForm(obj=current_user),
        "email_form": forms.get("email_form") or EmailForm(formdata=None),
        "password_form": forms.get("password_form") or ChangePasswordForm(formdata=None),
        "delete_form": forms.get("delete_form")
        or PasswordConfirmForm(formdata=None, prefix="delete"),
        "codes_form": forms.get("codes_form") or PasswordConfirmForm(formdata=None, prefix="codes"),
        "disable_form": forms.get("disable_form")
        or PasswordConfirmForm(formdata=None, prefix="disable"),
        "unused_codes": unused_recovery_codes(current_user),
        "mail": mail_enabled(),
        "deletion_reasons": forms.get("deletion_reasons", []),
    }
    return render("account/index.html", status=status, **context)


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("/profile")
@login_required
def profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _page(422, profile_form=form)
    services.update_profile(
        current_user,
        display_name=form.display_name.data or "",
        locale=form.locale.data,
        timezone=form.timezone.data,
    )
    session["locale"] = current_user.locale  # this browser follows the choice made here
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return go_to(url_for("account.index"))


@bp.post("/email")
@login_required
def email():
    form = EmailForm()
    if not form.validate_on_submit():
        return _page(422, email_form=form)
    if form.email.data:
        request_email_confirmation(current_user, form.email.data, utcnow())
        flash(_("We sent a link to the new address. It counts once you open it."), "info")
    else:
        services.remove_email(current_user, utcnow())
        flash(_("Your e-mail is removed."), "success")
    db.session.commit()
    return go_to(url_for("account.index"))


@bp.post("/password")
@login_required
def password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(422, password_form=form)
    try:
        unlocked = services.change_password(
            current_user, form.current_password.data or "", form.password.data or "", utcnow()
        )
    except services.WrongPassword:
        add_error(form.current_password, _("This is not your current password."))
        return _page(422, password_form=form)
    # Other devices are now signed out; this one stays in with a new session.
    start_session(current_user._get_current_object(), unlocked)
    db.session.commit()
    flash(_("Your password is changed. Other devices are signed out."), "success")
    return go_to(url_for("account.index"))


@bp.route("/two-factor", methods=["GET"])
@login_required
def two_factor_setup():
    if current_user.has_two_factor:
        return go_to(url_for("account.index"))
    secret = services.begin_two_factor(current_user)
    db.session.commit()
    return _two_factor_page(secret, TwoFactorSetupForm(formdata=None))


def _two_factor_page(secret: str, form: TwoFactorSetupForm, status: int = 200) -> Response:
    uri = totp.provisioning_uri(secret, current_user.username)
    return render(
        "account/two_factor.html",
        status=status,
        form=form,
        secret=secret,
        qr=totp.qr_svg(uri),
    )


@bp.post("/two-factor")
@login_required
def two_factor_confirm():
    secret = services.begin_two_factor(current_user)
    form = TwoFactorSetupForm()
    if not form.validate_on_submit():
        return _two_factor_page(secret, form, 422)
    try:
        codes = services.confirm_two_factor(current_user, form.code.data or "", utcnow())
    except services.WrongCode:
        add_error(form.code, _("This code does not work. Check the time on your phone."))
        return _two_factor_page(secret, form, 422)
    db.session.commit()
    return render("auth/recovery_codes.html", codes=codes, first_time=False)


@bp.post("/two-factor/disable")
@login_required
def two_factor_disable():
    form = PasswordConfirmForm(prefix="disable")
    if not form.validate_on_submit():
        return _page(422, disable_form=form)
    try:
        services.disable_two_factor(current_user, form.current_password.data or "", utcnow())
    except services.WrongPassword:
        add_error(form.current_password, _("This is not your current password."))
        return _page(422, disable_form=form)
    except services.SecondFactorRequired:
        flash(_("Your role needs a second factor, so it stays on."), "error")
        return go_to(url_for("account.index"))
    db.session.commit()
    flash(_("The second factor is off."), "success")
    return go_to(url_for("account.index"))


@bp.post("/recovery-codes")
@login_required
def recovery_codes():
    form = PasswordConfirmForm(prefix="codes")
    if not form.validate_on_submit():
        return _page(422, codes_form=form)
    try:
        codes = services.regenerate_recovery_codes(
            current_user, form.current_password.data or "", utcnow()
        )
    except services.WrongPassword:
        add_error(form.current_password, _("This is not your current password."))
        return _page(422, codes_form=form)
    db.session.commit()
    return render("auth/recovery_codes.html", codes=codes, first_time=False)


@bp.get("/export")
@login_required
def export():
    data = services.export_personal_data(current_user, utcnow())
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@bp.get("/export/readable")
@login_required
def export_readable():
    """The same data as one HTML file to keep or print: no script, nothing loaded from
    anywhere, readable offline."""
    data = services.export_personal_data(current_user, utcnow())
    body = render_template("account/export.html", data=data)
    return Response(
        body,
        mimetype="text/html",
        headers={"Content-Disposition": 'attachment; filename="my-data.html"'},
    )


@bp.post("/delete")
@login_required
def delete():
    form = PasswordConfirmForm(prefix="delete")
    if not form.validate_on_submit():
        return _page(422, delete_form=form)
    try:
        services.delete_account(current_user, form.current_password.data or "", utcnow())
    except services.WrongPassword:
        add_error(form.current_password, _("This is not your current password."))
        return _page(422, delete_form=form)
    except services.DeletionBlocked as blocked:
        return _page(409, delete_form=form, deletion_reasons=blocked.reasons)
    end_session()
    db.session.commit()
    flash(_("Your account is deleted."), "success")
    return go_to(url_for("main.home"))
