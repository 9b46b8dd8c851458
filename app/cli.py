"""Command-line tools, all under `flask --app wsgi`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
from app.timeutil import utcnow

users_cli = AppGroup("users", help="Manage accounts.")
consultations_cli = AppGroup("consultations", help="Consultation tasks.")
rq_cli = AppGroup("rq", help="Background job workers.")
canary_cli = AppGroup("canary", help="The safety self-check: canary data and leaks.")
mail_cli = AppGroup("mail", help="The e-mail outbox.")
jobs_cli = AppGroup("jobs", help="Background job records.")

reading_cli = AppGroup("reading", help="The published passages that the public reads.")

ROLE_CHOICES = ["member", "facilitator", "un-reviewer", "admin"]


@users_cli.command("create")
@click.option("--email", required=True, help="E-mail; also used to sign in.")
@click.option("--password", required=True, help="At least 12 characters, not a common one.")
@click.option("--role", type=click.Choice(ROLE_CHOICES), default="member", show_default=True)
@click.option("--name", "display_name", help="Display name (default: the e-mail's first part).")
@click.option("--username", help="Sign-in name (default: made from the e-mail).")
def create_user(email: str, password: str, role: str, display_name: str | None, username):
    """Create an account. Staff roles set up their second factor at first sign-in."""
    from app.auth.passwords import password_problem
    from app.auth.services import UsernameTaken, create_account, find_account, username_from_email

    if find_account(email) is not None:
        raise click.ClickException("an account with this e-mail exists")
    problem = password_problem(password, [email, display_name or ""])
    if problem:
        raise click.ClickException(problem)
    try:
        user, codes = create_account(
            username=username or username_from_email(email),
            display_name=display_name or email.split("@")[0],
            password=password,
            email=email,
            role=role,
            now=utcnow(),
        )
    except UsernameTaken:
        raise click.ClickException("this sign-in name is taken; pass --username") from None
    db.session.commit()
    click.echo(f"created {user.username} ({role}), e-mail {email}")
    click.echo("recovery codes (shown once): " + " ".join(codes))


@users_cli.command("set-role")
@click.option("--email", "identifier", required=True, help="E-mail or sign-in name.")
@click.option("--role", type=click.Choice(ROLE_CHOICES), required=True)
def set_role(identifier: str, role: str):
    """Change the platform role of an account."""
    from app.auth.services import change_role, find_account

    user = find_account(identifier)
    if user is None:
        raise click.ClickException("no such account")
    old = change_role(None, user, role, utcnow())
    db.session.commit()
    click.echo(f"{user.username}: {old} -> {role}")


@consultations_cli.command("send-reminders")
def send_reminders():
    """Send due reminders: deadlines (7 days and 1 day before) and sessions (1 day and
    1 hour before), and phase notices (a consultation opens, its deadline changes, it closes,
    a compilation is published, an outcome is recorded). Run it from cron every 10 minutes;
    each reminder and notice goes out once."""
    from flask import current_app

    from app.consultations.reminders import send_deadline_reminders
    from app.mail import mail_enabled
    from app.outcomes.notices import send_phase_notices
    from app.sessions.services import send_session_reminders

    deadlines: dict[str, int] = {}
    sessions: dict[str, int] = {}
    notices: dict[str, int] = {}
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        now = utcnow()
        count = send_deadline_reminders(now, deadlines)
        registrations = send_session_reminders(now, sessions)
        phase_notices = send_phase_notices(now, notices)
        db.session.commit()
    click.echo(
        f"{count} organization(s) reminded of deadlines in the app, "
        f"{deadlines.get('emailed', 0)} by e-mail"
    )
    click.echo(
        f"{registrations} registration(s) reminded of sessions in the app, "
        f"{sessions.get('emailed', 0)} by e-mail"
    )
    click.echo(
        f"{phase_notices} phase notice(s) sent to {notices.get('people', 0)} person(s) in the "
        f"app, {notices.get('emailed', 0)} by e-mail"
    )
    if not mail_enabled():
        click.echo(
            "No mail server is configured (MAIL_SERVER): no reminder was e-mailed. Those still "
            "due are e-mailed by the first run after one is."
        )


@mail_cli.command("send-due")
def send_due_mail():
    """Try again the e-mails that could not be sent, when their pause is over (run it from
    cron every 10 minutes); drop failed ones after a week."""
    from app.mail import mail_enabled, send_due_emails

    if not mail_enabled():
        raise click.ClickException("no mail server is configured (MAIL_SERVER)")
    counts = send_due_emails(utcnow())
    db.session.commit()
    click.echo(
        f"{counts['sent']} sent, {counts['waiting']} to try again later, "
        f"{counts['failed']} failed for good"
    )


@rq_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--queue", "queue_name", help="Queue name (default: RQ_QUEUE).")
def rq_worker(burst: bool, queue_name: str | None):
    """Run a job worker (needs REDIS_URL). Start as many as you like."""
    from redis import Redis
    from rq import Queue, Worker

    from app.jobs import worker_stopped

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException("REDIS_URL is not set: jobs run inside the web process")
    connection = Redis.from_url(url)
    queue = Queue(queue_name or current_app.config["RQ_QUEUE"], connection=connection)
    # log_job_description=False: job arguments never reach the log.
    # A work horse that dies (killed, out of memory) marks its job failed at once.
    worker = Worker(
        [queue],
        connection=connection,
        log_job_description=False,
        work_horse_killed_handler=worker_stopped,
    )
    worker.work(burst=burst, logging_level="WARNING")


@jobs_cli.command("recover")
def recover_jobs():
    """Mark failed the jobs nobody runs any more (queue entry lost, worker or process dead),
    so their pages offer to try again. Run it from cron every few minutes."""
    from app.jobs import recover_lost

    lost = recover_lost()
    click.echo(f"{len(lost)} lost job(s) marked failed")


@click.command("compile")
@click.argument("slug")
@click.option(
    "--grouping",
    type=click.Choice(["question", "objective", "cluster"]),
    default="question",
    show_default=True,
)
@click.option(
    "--language",
    default=None,
    help="Language of headings, and of the translations used (default: the original).",
)
@click.option(
    "--translations",
    type=click.Choice(["checked", "unchecked", "none"]),
    default="checked",
    show_default=True,
    help="Translations into --language: checked ones, also unchecked ones (marked), or none.",
)
def compile_command(slug: str, grouping: str, language: str | None, translations: str):
    """Build a compilation of a consultation now and print its files with their SHA-256."""
    from sqlalchemy import select

    from app.compilations.services import build_compilation, file_path
    from app.consultations.models import Consultation

    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"no consultation {slug!r}")
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        compilation = build_compilation(
            consultation,
            grouping,
            language or consultation.original_language,
            None,
            None,
            lambda fraction, stage: click.echo(f"{int(fraction * 100):3d}% {stage}", err=True),
            translations=translations,
        )
        db.session.commit()
    click.echo(f"version {compilation.number} of {slug}")
    for built in compilation.files:
        click.echo(f"{built.sha256}  {file_path(built)}")


@reading_cli.command("reindex")
def reindex_command():
    """Fill the published passages again from every consultation's latest published public
    edition (after upgrading, or to repair); prints how many passages each one has."""
    from sqlalchemy import select

    from app.compilations.models import Compilation
    from app.reading.models import PublishedPassage
    from app.reading.publishing import refresh_published_passages

    ids = set(db.session.scalars(select(Compilation.consultation_id)))
    ids |= set(db.session.scalars(select(PublishedPassage.consultation_id)))
    for consultation_id in sorted(ids):
        count = refresh_published_passages(consultation_id)
        click.echo(f"consultation {consultation_id}: {count} passages")
    db.session.commit()


@click.command("demo-data")
@click.option("--orgs", default=12, show_default=True, help="How many organizations.")
@click.option("--submissions", default=0, show_default=True, help="Accepted submissions.")
@click.option(
    "--password",
    default=None,
    help="Password of every demo account (default: migrant-voices-demo).",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has accounts.")
def demo_data(orgs: int, submissions: int, password: str | None, if_empty: bool):
    """Fill a deterministic demo data set and print the accounts it made."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.demo import DEFAULT_PASSWORD, build_demo_data

    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database has accounts already: no demo data loaded.")
        return

    # A request context at BASE_URL: the demo builds and publishes a compilation.
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        accounts = build_demo_data(
            orgs=orgs,
            submissions=submissions,
            password=password or DEFAULT_PASSWORD,
            now=utcnow(),
        )
        db.session.commit()
    click.echo(f"password for every account: {password or DEFAULT_PASSWORD}")
    click.echo(f"{'e-mail':34} {'role':12} {'totp secret':34} organizations")
    for account in accounts:
        click.echo(
            f"{account.email:34} {account.role:12} {account.totp_secret or '-':34} "
            f"{', '.join(account.organizations) or '-'}"
        )


@canary_cli.command("seed")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def canary_seed(output: str):
    """Add canary people, organizations, texts and a report (a consultation of their own),
    and write the plan for scripts/canary_crawl.py to OUTPUT: it holds their passwords, so
    keep it private and delete it after the check. Use a staging copy, not production."""
    import secrets
    from pathlib import Path

    from app.selfcheck.canaries import canary_accounts_exist, seed_canaries

    if canary_accounts_exist():
        raise click.ClickException("canary data exists already: run `canary remove` first")
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        plan = seed_canaries(utcnow(), secrets.token_urlsafe(18))
        db.session.commit()
    Path(output).write_text(plan.to_json())
    Path(output).chmod(0o600)
    click.echo(f"seeded {len(plan.accounts)} canary accounts; plan written to {output}")


@canary_cli.command("remove")
def canary_remove():
    """Delete every canary consultation, organization and account again."""
    from app.selfcheck.canaries import remove_canaries

    removed = remove_canaries()
    db.session.commit()
    click.echo(f"removed {removed} canary consultations, organizations and accounts")


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(canary_cli)
    app.cli.add_command(rq_cli)
    app.cli.add_command(consultations_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(jobs_cli)

    app.cli.add_command(reading_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(compile_command)
