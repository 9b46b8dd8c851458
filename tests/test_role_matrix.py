"""Every route, for every role, against one table of who may do what; then every route
again with the ids of objects nobody in the world is related to.

A refused request must change nothing: the database is compared before and after. Every
response must carry the security headers. Adding a route without adding it here fails.
The world (tests/world.py) is built once per test and put back after each request that
was allowed to change it.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from app.errors import PUBLIC_AREAS, PUBLIC_PAGES
from tests.world import ROLES, PreparedWorld, World, Writes, build_world, prepared_world, restore

__all__ = ["ROLES", "World", "build_world"]  # the malformed-input test builds the same world

EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"visitor"}
ORG_MEMBERS = {"viewer", "editor", "owner"}
WRITERS = {"owner", "editor"}
RUNS = {"facilitator", "admin"}  # run the target consultation (admins run every one)
ANY_FACILITATOR = {"facilitator", "other_facilitator", "admin"}
WITH_SECOND_FACTOR = {"facilitator", "other_facilitator", "un_reviewer", "focal_point", "admin"}
NOBODY: set[str] = set()

# (endpoint, method) -> roles that are let through. Everyone else must be refused:
# 403, 404, 401, or (for visitors) a redirect to the sign-in page. A visitor refused a page
# (GET) is always sent to sign in, for existing ids and unknown ones alike (issue 14).
MATRIX: dict[tuple[str, str], set[str]] = {
    ("main.home", "GET"): EVERYONE,
    ("main.privacy", "GET"): EVERYONE,
    ("main.healthz", "GET"): EVERYONE,
    ("main.csrf_token", "GET"): EVERYONE,
    ("main.set_language", "POST"): EVERYONE,
    ("auth.sign_up", "GET"): EVERYONE,
    ("auth.sign_up", "POST"): EVERYONE,
    ("auth.sign_in", "GET"): EVERYONE,
    ("auth.sign_in", "POST"): EVERYONE,
    # Only reachable between the password and the code; without that step, back to sign-in.
    ("auth.second_factor", "GET"): NOBODY,
    ("auth.second_factor", "POST"): NOBODY,
    ("auth.sign_out", "POST"): EVERYONE,
    # Quick exit only signs out and leaves: anyone, by link or by script, without a token.
    ("auth.quick_exit", "GET"): EVERYONE,
    ("auth.quick_exit", "POST"): EVERYONE,
    ("auth.sign_out_everywhere", "POST"): SIGNED_IN,
    ("auth.reset_request", "GET"): EVERYONE,
    ("auth.reset_request", "POST"): EVERYONE,
    ("auth.reset_with_token", "GET"): EVERYONE,
    ("auth.reset_with_token", "POST"): EVERYONE,
    ("auth.reset_with_recovery_code", "GET"): EVERYONE,
    ("auth.reset_with_recovery_code", "POST"): EVERYONE,
    ("auth.confirm_email", "GET"): EVERYONE,
    ("account.index", "GET"): SIGNED_IN,
    ("account.profile", "POST"): SIGNED_IN,
    ("account.email", "POST"): SIGNED_IN,
    ("account.password", "POST"): SIGNED_IN,
    ("account.two_factor_setup", "GET"): SIGNED_IN,
    ("account.two_factor_confirm", "POST"): SIGNED_IN,
    ("account.two_factor_disable", "POST"): SIGNED_IN,
    ("account.recovery_codes", "POST"): SIGNED_IN,
    ("account.export", "GET"): SIGNED_IN,
    ("account.export_readable", "GET"): SIGNED_IN,
    ("account.delete", "POST"): SIGNED_IN,
    ("notifications.index", "GET"): SIGNED_IN,
    ("notifications.count", "GET"): SIGNED_IN,
    ("notifications.read", "POST"): {"owner"},
    ("notifications.read_all", "POST"): SIGNED_IN,
    ("organizations.directory", "GET"): EVERYONE,
    ("organizations.register", "GET"): SIGNED_IN,
    ("organizations.register", "POST"): SIGNED_IN,
    ("organizations.mine", "GET"): SIGNED_IN,
    ("organizations.profile", "GET"): EVERYONE,
    ("organizations.edit", "GET"): {"owner"},
    ("organizations.edit", "POST"): {"owner"},
    ("organizations.delete", "POST"): {"owner"},
    ("organizations.switch", "POST"): ORG_MEMBERS,
    ("organizations.members", "GET"): ORG_MEMBERS,
    ("organizations.change_role", "POST"): {"owner"},
    ("organizations.remove_member", "POST"): {"owner"},
    ("organizations.leave", "POST"): ORG_MEMBERS,
    ("organizations.invite", "POST"): {"owner"},
    ("organizations.revoke_invitation", "POST"): {"owner"},
    ("organizations.invitation", "GET"): EVERYONE,
    ("organizations.invitation", "POST"): EVERYONE,
    ("organizations.request_to_join", "POST"): SIGNED_IN - ORG_MEMBERS,
    ("organizations.decide_request", "POST"): {"owner"},
    ("organizations.verification_queue", "GET"): ANY_FACILITATOR,
    ("organizations.verify", "POST"): ANY_FACILITATOR,
    ("organizations.reject", "POST"): ANY_FACILITATOR,
    ("organizations.reject_form", "GET"): ANY_FACILITATOR,
    ("admin.users", "GET"): {"admin"},
    ("admin.set_role", "POST"): {"admin"},
    ("admin.mail", "GET"): {"admin"},
    ("admin.retry_mail", "POST"): {"admin"},
    ("admin.discard_mail", "POST"): {"admin"},
    ("consultations.index", "GET"): EVERYONE,
    ("consultations.view", "GET"): EVERYONE,
    ("consultations.participants", "GET"): EVERYONE,
    ("consultations.document", "GET"): EVERYONE,
    ("consultations.dashboard", "GET"): RUNS,
    # Reviews are shared by the facilitators of the convening bodies.
    ("consultations.reviews", "GET"): ANY_FACILITATOR,
    ("consultations.edit_review", "GET"): ANY_FACILITATOR,
    ("consultations.edit_review", "POST"): ANY_FACILITATOR,
    ("consultations.create", "GET"): ANY_FACILITATOR,
    ("consultations.create", "POST"): ANY_FACILITATOR,
    ("consultations.edit", "GET"): RUNS,
    ("consultations.edit", "POST"): RUNS,
    ("consultations.publish", "POST"): RUNS,
    ("consultations.translation", "POST"): RUNS,
    ("consultations.translate", "GET"): RUNS,
    ("consultations.translate", "POST"): RUNS,
    ("consultations.add_question", "POST"): RUNS,
    ("consultations.edit_question", "GET"): RUNS,
    ("consultations.edit_question", "POST"): RUNS,
    ("consultations.move_question", "POST"): RUNS,
    ("consultations.delete_question", "POST"): RUNS,
    ("consultations.add_document", "POST"): RUNS,
    ("consultations.delete_document", "POST"): RUNS,
    ("consultations.staff", "GET"): {"admin"},
    ("consultations.staff", "POST"): {"admin"},
    ("consultations.remove_staff", "POST"): {"admin"},
    ("consultations.join", "POST"): {"owner"},
    ("consultations.leave", "POST"): {"owner"},
    ("consultations.invite", "GET"): RUNS,
    ("consultations.invite", "POST"): RUNS,
    ("consultations.invitation_link", "GET"): EVERYONE,
    ("consultations.invitation_link", "POST"): EVERYONE,
    ("submissions.start", "POST"): WRITERS,
    ("submissions.for_consultation", "GET"): RUNS | {"un_reviewer"},
    # Lists accepted texts to those who may sign on; a page that explains for the others.
    ("submissions.sign_on_list", "GET"): EVERYONE,
    ("submissions.for_organization", "GET"): ORG_MEMBERS,
    # The world's submission is a draft: its organization's members only.
    ("submissions.view", "GET"): ORG_MEMBERS,
    ("submissions.details", "POST"): {"owner"},
    ("submissions.add_attachment", "POST"): WRITERS,
    ("submissions.attachment", "GET"): ORG_MEMBERS,
    ("submissions.delete_attachment", "POST"): WRITERS,
    ("submissions.section", "GET"): ORG_MEMBERS,
    ("submissions.save", "POST"): WRITERS,
    ("submissions.tags", "POST"): WRITERS,
    ("submissions.presence", "GET"): ORG_MEMBERS,
    ("submissions.history", "GET"): ORG_MEMBERS,
    ("submissions.restore", "POST"): WRITERS,
    ("submissions.comment", "POST"): WRITERS,
    ("submissions.resolve", "POST"): WRITERS,
    ("submissions.coauthors", "GET"): {"owner"},
    ("submissions.coauthors", "POST"): {"owner"},
    # The invited organization's owner reads the draft to decide, and decides.
    ("submissions.coauthor", "GET"): {"coauthor"},
    ("submissions.coauthor", "POST"): {"coauthor"},
    # Only a co-author that accepted can leave; the world's one is invited.
    ("submissions.leave_coauthoring", "POST"): NOBODY,
    ("submissions.coauthor_link", "GET"): SIGNED_IN,
    ("submissions.coauthor_link", "POST"): SIGNED_IN,
    ("submissions.submit", "POST"): {"owner"},
    ("submissions.sign_off", "POST"): {"owner"},
    ("submissions.reopen", "POST"): {"owner"},
    ("submissions.withdraw", "POST"): {"owner"},
    ("submissions.accept", "POST"): RUNS,
    ("submissions.return_submission", "GET"): RUNS,
    ("submissions.return_submission", "POST"): RUNS,
    ("submissions.extend", "GET"): RUNS,
    ("submissions.extend", "POST"): RUNS,
    ("compilations.index", "GET"): EVERYONE,
    ("compilations.start", "POST"): RUNS,
    ("compilations.progress", "GET"): RUNS,
    ("compilations.retry_run", "POST"): RUNS,
    ("compilations.publish", "GET"): RUNS,
    ("compilations.publish", "POST"): RUNS,
    # The world's file is a restricted edition: its consultation's staff only.
    ("compilations.download", "GET"): RUNS | {"un_reviewer"},
    # The outcome of the consultation is public; facilitators record it. Uptake is recorded
    # only for accepted submissions: the world's one is a draft.
    ("outcomes.page", "GET"): EVERYONE,
    ("outcomes.add_document", "POST"): RUNS,
    ("outcomes.remove_document", "POST"): RUNS,
    ("outcomes.document_file", "GET"): EVERYONE,
    ("outcomes.export", "GET"): EVERYONE,
    ("outcomes.uptake", "GET"): NOBODY,
    ("outcomes.uptake", "POST"): NOBODY,
    # Published inputs are public and the same for everyone. The world's compilation is not
    # published: its consultation has nothing to read, and the open data has no such version.
    ("reading.index", "GET"): EVERYONE,
    ("reading.search", "GET"): EVERYONE,
    ("reading.consultation", "GET"): NOBODY,
    ("reading.objective", "GET"): EVERYONE,
    ("reading.place", "GET"): EVERYONE,
    ("reading.language", "GET"): EVERYONE,
    ("api.compilations", "GET"): EVERYONE,
    ("api.compilation", "GET"): NOBODY,
    ("api.outcome", "GET"): EVERYONE,
    ("api.feed", "GET"): EVERYONE,
    ("compilations.unpublish", "POST"): RUNS,
    # The world's submission is a draft: nobody may sign on to it yet.
    ("submissions.endorse", "POST"): NOBODY,
    ("submissions.withdraw_endorsement", "POST"): NOBODY,
    # The world's session is live; the target organization's three members registered.
    ("sessions.index", "GET"): EVERYONE,
    ("sessions.create", "GET"): RUNS,
    ("sessions.create", "POST"): RUNS,
    ("sessions.edit", "GET"): RUNS,
    ("sessions.edit", "POST"): RUNS,
    ("sessions.view", "GET"): EVERYONE,
    ("sessions.calendar_file", "GET"): EVERYONE,
    ("sessions.register", "POST"): ORG_MEMBERS,
    ("sessions.unregister", "POST"): SIGNED_IN,
    ("sessions.cancel", "POST"): RUNS,
    ("sessions.registrations", "GET"): RUNS,
    ("sessions.minutes", "GET"): ORG_MEMBERS | RUNS,
    ("sessions.minutes", "POST"): RUNS,
    ("sessions.publish_minutes", "POST"): RUNS,
    ("sessions.board", "GET"): ORG_MEMBERS | RUNS,
    ("sessions.live", "GET"): ORG_MEMBERS | RUNS,
    ("sessions.post", "POST"): ORG_MEMBERS,
    ("sessions.approve", "POST"): RUNS,
    ("sessions.pin", "POST"): RUNS,
    ("sessions.merge", "POST"): RUNS,
    ("sessions.taken", "POST"): RUNS,
    ("sessions.copy", "POST"): WRITERS,
    ("sessions.raise_hand", "POST"): ORG_MEMBERS,
    ("sessions.lower_hand", "POST"): ORG_MEMBERS,
    ("sessions.give_floor", "POST"): RUNS,
    ("sessions.end_turn", "POST"): RUNS,
    # The flagged target is the world's comment on a draft: its organization's members.
    ("moderation.code_of_conduct", "GET"): EVERYONE,
    ("moderation.flag", "GET"): ORG_MEMBERS,
    ("moderation.flag", "POST"): ORG_MEMBERS,
    ("moderation.queue", "GET"): RUNS,
    ("moderation.hide", "POST"): RUNS,
    ("moderation.unhide", "POST"): RUNS,
    ("moderation.dismiss", "POST"): RUNS,
    # Only the consultation's focal point reads its reports: never admins as such, nor
    # facilitators, nor the general focal point without a second factor.
    ("safeguarding.report", "GET"): EVERYONE,
    ("safeguarding.report", "POST"): EVERYONE,
    ("safeguarding.follow_up", "GET"): EVERYONE,
    ("safeguarding.follow_up", "POST"): EVERYONE,
    ("safeguarding.reporter_message", "POST"): EVERYONE,
    ("safeguarding.inbox", "GET"): {"focal_point"},
    ("safeguarding.read", "GET"): {"focal_point"},
    ("safeguarding.change_status", "POST"): {"focal_point"},
    ("safeguarding.reply", "POST"): {"focal_point"},
    ("safeguarding.focal_points", "GET"): {"admin"},
    ("safeguarding.focal_points", "POST"): {"admin"},
    ("safeguarding.remove_focal_point", "POST"): {"admin"},
    # Sealed reports. The world's member was proposed as a focal point by the admin; keys
    # need a second factor; the focal point has a key that this session has not unlocked
    # (it gets the unlock form, a 200). A second focal point of the consultation exists.
    ("safeguarding.nominations_page", "GET"): SIGNED_IN,
    ("safeguarding.accept_nomination", "POST"): {"member"},
    ("safeguarding.decline_nomination", "POST"): {"member"},
    ("safeguarding.withdraw_nomination", "POST"): {"admin"},
    ("safeguarding.key", "GET"): WITH_SECOND_FACTOR,
    ("safeguarding.key", "POST"): WITH_SECOND_FACTOR,
    ("safeguarding.confirm_key", "POST"): WITH_SECOND_FACTOR,
    ("safeguarding.restore_key", "POST"): WITH_SECOND_FACTOR,
    ("safeguarding.replace_key", "POST"): WITH_SECOND_FACTOR,
    ("safeguarding.unlock", "GET"): WITH_SECOND_FACTOR,
    ("safeguarding.unlock", "POST"): WITH_SECOND_FACTOR,
    ("safeguarding.share", "POST"): {"focal_point"},
    # Translations. The world's member was invited to translate and started a French
    # translation of an accepted submission that the target organization leads.
    ("translations.add", "GET"): WRITERS | {"member"},
    ("translations.add", "POST"): WRITERS | {"member"},
    ("translations.view", "GET"): ORG_MEMBERS | RUNS | {"member", "un_reviewer"},
    ("translations.edit_section", "GET"): {"member"},
    ("translations.edit_section", "POST"): {"member"},
    ("translations.check", "POST"): WRITERS | RUNS,
    ("translations.for_consultation", "GET"): WRITERS | RUNS | {"member"},
    ("translations.translators", "GET"): RUNS,
    ("translations.translators", "POST"): RUNS,
    ("translations.remove_translator", "POST"): RUNS,
    ("safeguarding.evidence", "GET"): {"focal_point"},
    ("safeguarding.message_evidence", "GET"): {"focal_point"},
}

# GET routes that change something (a confirmation link is used up when opened).
CHANGING_GETS = {"auth.confirm_email", "auth.quick_exit"}  # quick exit signs out

# Form data for routes whose refusal depends on what is posted (which organization).
POSTED = {
    "consultations.join": {"organization_id": "{org_id}"},
    "consultations.leave": {"organization_id": "{org_id}"},
    "consultations.invite": {"organization_id": "{org_id}"},
    "submissions.start": {"organization_id": "{org_id}"},
    "submissions.endorse": {"organization_id": "{other_org_id}", "attribution": "named"},
    "sessions.register": {"organization_id": "{org_id}"},
    "safeguarding.reporter_message": {"code": "{report_code}"},
    "safeguarding.share": {"user_id": "{co_focal_point_id}"},
}

# With the ids of a mirror world, each role is as related to the objects as this role is
# to the first world's: an organization's people become owners of an unrelated
# organization, staff of the consultation become staff of another one.
STRANGER = {
    "visitor": "visitor",
    "member": "member",
    "un_reviewer": "member",
    "focal_point": "member",
    "viewer": "other_owner",
    "editor": "other_owner",
    "owner": "other_owner",
    "coauthor": "other_owner",
    "other_owner": "other_owner",
    "unlisted_owner": "other_owner",
    "facilitator": "other_facilitator",
    "other_facilitator": "other_facilitator",
    "admin": "admin",
}
# Where a stranger is refused although the role it stands for is not: the world's member
# is the person proposed as a focal point, so with the mirror's proposal it is a stranger,
# and so are the roles that stand for a member there.
_NOT_THE_NOMINEE = {"member", "un_reviewer", "focal_point"}
STRANGER_EXCEPTIONS: dict[tuple[str, str], set[str]] = {
    ("safeguarding.accept_nomination", "POST"): _NOT_THE_NOMINEE,
    ("safeguarding.decline_nomination", "POST"): _NOT_THE_NOMINEE,
    # Likewise the world's member is its consultation's translator, a stranger to the mirror's.
    ("translations.add", "GET"): _NOT_THE_NOMINEE,
    ("translations.add", "POST"): _NOT_THE_NOMINEE,
    ("translations.view", "GET"): _NOT_THE_NOMINEE,
    ("translations.edit_section", "GET"): _NOT_THE_NOMINEE,
    ("translations.edit_section", "POST"): _NOT_THE_NOMINEE,
    ("translations.for_consultation", "GET"): _NOT_THE_NOMINEE,
}


def _cases():
    from app import create_app
    from app.config import TestConfig

    rules = create_app(TestConfig()).url_map.iter_rules()
    for rule in sorted(rules, key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(rule, method, id=f"{rule.endpoint}-{method}")


def _url(rule: Rule, values: dict) -> str:
    def value(match):
        name = match.group("name")
        converter = match.group("converter") or ""
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip(" )")
        found = values[name]
        return str(found[rule.endpoint] if isinstance(found, dict) else found)

    return re.sub(r"<(?:(?P<converter>[^:>]+(?:\([^)]*\))?):)?(?P<name>\w+)>", value, rule.rule)


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and location.startswith("/sign-in")


def _changes(rule, method) -> bool:
    return method == "POST" or rule.endpoint in CHANGING_GETS


class Walk:
    """Requests of every role against the prepared world, put back after each allowed change."""

    def __init__(self, app, prepared: PreparedWorld, values: dict):
        self.app, self.prepared, self.values = app, prepared, values
        self.dirty = False
        self.wrong: list[str] = []

    def request(self, rule, method, role, allowed: bool) -> None:
        if self.dirty:
            restore(self.prepared.saved)
            self.dirty = False
        client = self.app.test_client()
        if role != "visitor":
            with client.session_transaction() as session:
                session.update(self.prepared.cookies[role])
                session.permanent = True
        fields = POSTED.get(rule.endpoint, {}) if method == "POST" else {}
        data = {name: value.format(**self.values) for name, value in fields.items()}
        with Writes() as writes:
            response = client.open(_url(rule, self.values), method=method, data=data)
            response.close()  # file downloads hold the file open until closed
        refused = _refused(response)
        # Too many tries (the same test address asks many times) neither lets in nor refuses.
        limited = response.status_code == 429
        if response.status_code >= 500 or (refused == allowed and not limited):
            self.wrong.append(f"{role}: {response.status_code}")
        elif (
            role == "visitor"
            and method == "GET"
            and refused
            and response.status_code >= 400
            and rule.endpoint not in PUBLIC_PAGES
            and rule.endpoint.split(".")[0] not in PUBLIC_AREAS
        ):
            # A signed-out person (after the idle timeout, say) is sent to sign in, never
            # told "not found": the same answer whether the id exists or not.
            self.wrong.append(f"{role}: {response.status_code} instead of going to sign in")
        elif not allowed and writes.committed:
            self.wrong.append(f"{role}: refused but wrote to {sorted(writes.committed)}")
        self.wrong += [f"{role}: {problem}" for problem in header_problems(response, role)]
        if writes.committed:
            self.dirty = True


def header_problems(response, role: str) -> list[str]:
    """The security headers every response must carry (none for a 304, which has no body)."""
    if response.status_code == 304:
        return []
    headers, problems = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    if "default-src" not in csp and "sandbox" not in csp:
        problems.append("no Content-Security-Policy")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows inline code")
    if "frame-ancestors 'none'" not in csp and headers.get("X-Frame-Options") != "DENY":
        problems.append("framing not denied")
    if headers.get("Referrer-Policy") != "no-referrer":
        problems.append("referrer sent")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    download = "attachment" in headers.get("Content-Disposition", "")
    if (role != "visitor" or download) and "no-store" not in headers.get("Cache-Control", ""):
        problems.append("cacheable though private")
    return problems


@pytest.mark.parametrize(("rule", "method"), list(_cases()))
def test_route_answers_each_role_as_the_table_says(app, world_folder, rule, method):
    key = (rule.endpoint, method)
    assert key in MATRIX, f"{key} is missing from the role matrix"
    allowed = MATRIX[key]
    prepared = prepared_world(world_folder)
    walk = Walk(app, prepared, prepared.values)
    # Refused roles first: each is checked to change nothing.
    for role in sorted(ROLES, key=lambda r: r in allowed):
        walk.request(rule, method, role, role in allowed)
    assert not walk.wrong, f"{key} answered against the table: {walk.wrong}"


@pytest.fixture(scope="session")
def world_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("world")


def _takes_ids(rule) -> bool:
    return any(name != "key" for name in rule.arguments)


@pytest.mark.parametrize(
    ("rule", "method"), [case for case in _cases() if _takes_ids(case.values[0])]
)
def test_ids_of_unrelated_objects_are_refused(app, world_folder, rule, method):
    """Each role asks for the objects of a mirror world, where it is a stranger."""
    key = (rule.endpoint, method)
    allowed = MATRIX[key]
    prepared = prepared_world(world_folder)
    walk = Walk(app, prepared, prepared.mirror_values)
    expected = {role for role in ROLES if STRANGER[role] in allowed}
    expected -= STRANGER_EXCEPTIONS.get(key, set())
    for role in sorted(ROLES, key=lambda r: r in expected):
        walk.request(rule, method, role, role in expected)
    assert not walk.wrong, f"{key} with unrelated ids: {walk.wrong}"


def test_the_table_names_no_route_that_does_not_exist(app):
    existing = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert set(MATRIX) <= existing
