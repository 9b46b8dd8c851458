"""No dead ends on the board (issue 14, defect 9)."""

from tests.factories import make_user


def test_an_unregistered_member_of_a_taking_part_organization_is_offered_to_register(
    signed_in_client, db, room
):
    carol = signed_in_client(room.carol)  # an editor of a taking-part organization
    answer = carol.get(f"/sessions/{room.session.id}/board")
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Register for this session to see its board and take part." in page
    assert f'action="/sessions/{room.session.id}/register"' in page
    assert "Recruitment" not in page  # nothing of the board itself


def test_others_are_still_refused_plainly(signed_in_client, db, room):
    stranger = signed_in_client(make_user())
    answer = stranger.get(f"/sessions/{room.session.id}/board")
    assert answer.status_code == 403
    assert "Register for this session" not in answer.get_data(as_text=True)
