"""What the review did with each input: recorded by facilitators, seen as credited."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from app.compilations.content import contents_summary
from app.compilations.models import Compilation
from app.consultations.models import ConsultationStaff
from app.notifications.models import Notification
from app.outcomes.models import Uptake
from app.timeutil import utcnow
from tests.factories import make_consultation, make_org, make_submission, make_user


@pytest.fixture
def review(db):
    """A consultation with a published version holding a named and an anonymous text, and
    a confidential one (accepted, never public)."""
    facilitator, reviewer = make_user(role="facilitator"), make_user(role="un-reviewer")
    consultation = make_consultation(facilitator=facilitator, objectives=(6, 7))
    consultation.staff.append(ConsultationStaff(user_id=reviewer.id, role="un-reviewer"))
    named_owner = make_user()
    named = make_submission(
        consultation,
        make_org(named_owner, name="Open Voices"),
        texts={"q1": "First point.\n\n=cmd|' /C calc'!A0", "q2": "Second point."},
        state="accepted",
    )
    hidden = make_submission(
        consultation,
        make_org(name="Hidden Union", kind="trade-union"),
        texts={"q1": "Anonymous text."},
        state="accepted",
    )
    hidden.attribution = "anonymous"
    secret = make_submission(
        consultation,
        make_org(name="Secret Shelter"),
        texts={"q1": "Confidential text."},
        state="accepted",
    )
    secret.attribution = "confidential"
    version = Compilation(
        consultation_id=consultation.id,
        number=1,
        grouping="question",
        language="en",
        contents=contents_summary([named, hidden, secret]),
        published_at=utcnow(),
    )
    db.session.add(version)
    db.session.commit()
    return consultation, facilitator, reviewer, named_owner, named, hidden, secret


def _record(client, submission, **data):
    return client.post(f"/submissions/{submission.id}/uptake", data=data)


def test_facilitators_record_and_everyone_sees_the_public_texts_as_credited(
    signed_in_client, client, review
):
    consultation, facilitator, reviewer, _owner, named, hidden, secret = review
    staff = signed_in_client(facilitator)
    response = staff.post(
        f"/consultations/{consultation.slug}/outcome/documents",
        data={
            "title": "Chair's summary",
            "symbol": "ESCAP/GCM/2027/3",
            "issued_on": "2027-03-01",
            "link": "https://www.unescap.org/summary",
        },
    )
    assert response.status_code == 303
    assert (
        _record(staff, named, status="reflected", outcome_reference="paragraph 23").status_code
        == 303
    )
    assert _record(staff, hidden, status="partly").status_code == 303
    assert _record(staff, secret, status="reflected").status_code == 303
    public = client.get(f"/consultations/{consultation.slug}/outcome").get_data(as_text=True)
    assert "ESCAP/GCM/2027/3" in public and "paragraph 23" in public
    assert "Open Voices" in public
    assert "Hidden Union" not in public and "a trade union" in public
    assert "Secret Shelter" not in public and "a non-governmental" not in public
    inside = staff.get(f"/consultations/{consultation.slug}/outcome").get_data(as_text=True)
    assert "Secret Shelter" in inside and "Hidden Union" in inside
    restricted = signed_in_client(reviewer).get(f"/consultations/{consultation.slug}/outcome")
    text = restricted.get_data(as_text=True)
    assert "Hidden Union" not in text and "Secret Shelter" not in text
    assert text.count("uptake-reflected") >= 2  # the confidential text is listed, unnamed


def test_not_taken_up_needs_a_reason_and_the_typed_text_comes_back(signed_in_client, review):
    _consultation, facilitator, *_rest, named, _hidden, _secret = review
    staff = signed_in_client(facilitator)
    refused = _record(staff, named, status="not-taken-up", outcome_reference="para 9")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Say why it was not taken up" in page and 'value="para 9"' in page
    assert _record(staff, named, status="not-taken-up", reason="Out of scope.").status_code == 303


def test_a_paragraph_is_recorded_only_if_the_submission_has_it(signed_in_client, db, review):
    _consultation, facilitator, *_rest, named, _hidden, _secret = review
    staff = signed_in_client(facilitator)
    assert _record(staff, named, paragraph="4", status="reflected").status_code == 422
    assert _record(staff, named, paragraph="3", status="reflected").status_code == 303
    uptake = db.session.scalar(select(Uptake))
    assert (uptake.paragraph, uptake.status) == (3, "reflected")


def test_the_writers_are_told_and_see_it_on_their_submission(signed_in_client, db, review):
    _consultation, facilitator, _reviewer, named_owner, named, *_rest = review
    _record(signed_in_client(facilitator), named, status="reflected", outcome_reference="¶ 5")
    note = db.session.scalar(select(Notification).where(Notification.user_id == named_owner.id))
    assert note.kind == "outcome.recorded" and note.link.endswith("#outcome")
    page = signed_in_client(named_owner).get(f"/submissions/{named.id}").get_data(as_text=True)
    assert 'id="outcome"' in page and "¶ 5" in page
    # Recording the same again tells nobody twice.
    _record(signed_in_client(facilitator), named, status="reflected", outcome_reference="¶ 5")
    notes = db.session.scalars(select(Notification).where(Notification.user_id == named_owner.id))
    assert len(list(notes)) == 1


def test_progress_per_objective_counts_each_outcome(signed_in_client, client, review):
    consultation, facilitator, *_rest, named, hidden, _secret = review
    staff = signed_in_client(facilitator)
    _record(staff, named, status="reflected")
    _record(staff, hidden, status="not-taken-up", reason="Later.")
    page = client.get(f"/consultations/{consultation.slug}/outcome").get_data(as_text=True)
    # Objective 6 is addressed by question 1 of both public texts.
    assert "1 reflected, 0 partly, 1 not taken up, 0 pending" in page
    assert 'class="uptake-reflected"' in page and "<svg" in page


def test_open_data_holds_public_texts_only_and_is_safe_in_spreadsheets(
    signed_in_client, client, review
):
    consultation, facilitator, *_rest, named, hidden, secret = review
    staff = signed_in_client(facilitator)
    _record(staff, named, status="reflected", reason='=HYPERLINK("x")')
    _record(staff, secret, status="reflected")
    for asker in (client, staff):
        rows = list(
            csv.DictReader(
                io.StringIO(
                    asker.get(f"/consultations/{consultation.slug}/outcome.csv")
                    .get_data()
                    .decode("utf-8-sig")
                )
            )
        )
        assert [row["credit"] for row in rows] == ["Open Voices", "a trade union"]
        assert rows[0]["reason"].startswith("'=")
    data = json.loads(client.get(f"/consultations/{consultation.slug}/outcome.json").get_data())
    assert data["schema"] == "gcm-outcome/1"
    assert {line["status"] for line in data["uptake"]} == {"reflected", "pending"}
    assert "Secret Shelter" not in json.dumps(data) and "Hidden Union" not in json.dumps(data)


def test_an_outcome_document_can_be_a_file(signed_in_client, client, review):
    import pikepdf

    consultation, facilitator, *_rest = review
    out = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(out)
    staff = signed_in_client(facilitator)
    response = staff.post(
        f"/consultations/{consultation.slug}/outcome/documents",
        data={
            "title": "Report",
            "issued_on": "2027-03-01",
            "file": (io.BytesIO(out.getvalue()), "r.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(f"/consultations/{consultation.slug}/outcome").get_data(as_text=True)
    path = re.search(r'href="(/consultations/[^"]+/outcome/documents/\d+)"', page).group(1)
    download = client.get(path)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    nothing = staff.post(
        f"/consultations/{consultation.slug}/outcome/documents",
        data={"title": "Report", "issued_on": "2027-03-01"},
    )
    assert nothing.status_code == 422
    assert "Give the web address of the document, or attach it." in nothing.get_data(as_text=True)
