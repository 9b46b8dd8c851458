"""Safety defaults are off: the person opts in (issue 14, defect 4)."""

import re

from sqlalchemy import select

from app.sessions.models import Contribution
from tests.factories import make_user


def _checked(html: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return "checked" in tag


def test_the_board_does_not_share_the_organization_name_by_default(signed_in_client, db, room):
    alice = signed_in_client(room.alice)
    board = alice.get(f"/sessions/{room.session.id}/board").get_data(as_text=True)
    assert 'name="show_organization"' in board
    assert not _checked(board, "show_organization")


def test_a_point_sent_without_the_box_keeps_the_name_hidden(signed_in_client, db, room):
    alice = signed_in_client(room.alice)
    data = {"body": "Fees must go.", "contribution_type": "challenge"}
    assert alice.post(f"/sessions/{room.session.id}/contributions", data=data).status_code == 303
    assert db.session.scalar(select(Contribution)).show_organization is False


def test_a_new_organization_is_unlisted_unless_its_owner_lists_it(signed_in_client, db):
    page = signed_in_client(make_user()).get("/organizations/new").get_data(as_text=True)
    unlisted = re.search(r'<input[^>]*value="unlisted"[^>]*>', page).group(0)
    listed = re.search(r'<input[^>]*value="listed"[^>]*>', page).group(0)
    assert "checked" in unlisted and "checked" not in listed
