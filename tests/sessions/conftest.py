from dataclasses import dataclass

import pytest

from tests.factories import (
    join_consultation,
    make_consultation,
    make_org,
    make_session,
    make_user,
    register_for,
)


@dataclass
class Room:
    """A live session: a facilitator, two registered people of two organizations, and a
    member of a taking-part organization who did not register."""

    consultation: object
    session: object
    facilitator: object
    alice: object
    alice_org: object
    bob: object
    bob_org: object
    carol: object


@pytest.fixture
def room(db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    alice, bob, carol = make_user(), make_user(), make_user()
    alice_org = make_org(alice, name="Migrant Workers Network")
    bob_org = make_org(bob, name="Domestic Workers Union", members={carol: "editor"})
    join_consultation(consultation, alice_org)
    join_consultation(consultation, bob_org)
    session = make_session(consultation, state="live")
    register_for(session, alice, alice_org)
    register_for(session, bob, bob_org)
    return Room(consultation, session, facilitator, alice, alice_org, bob, bob_org, carol)
