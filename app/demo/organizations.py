"""Demo organizations: a deterministic mix of verified, pending, listed and unlisted ones."""

from __future__ import annotations

from app.demo.base import DemoData
from app.organizations.models import MemberRole, Membership, Organization, OrgKind, Verification

ORG_NAMES = [
    ("Migrant Workers Solidarity Network", OrgKind.NETWORK, ["HK", "PH"], ["en", "fil"]),
    ("Serikat Buruh Migran Indonesia", OrgKind.TRADE_UNION, ["ID", "MY"], ["id", "en"]),
    ("Pravasi Nepali Samaj", OrgKind.MIGRANT_LED, ["NP", "QA", "AE"], ["ne", "en"]),
    ("Domestic Workers Voice", OrgKind.MIGRANT_LED, ["SG", "MY"], ["en", "id", "my"]),
    ("Legal Aid for Migrants Collective", OrgKind.LAWYERS, ["TH", "KH", "MM"], ["th", "km"]),
    ("Kafala Reform Coalition", OrgKind.NETWORK, ["LB", "JO", "KW"], ["ar", "en"]),
    ("Shelter and Faith Mission", OrgKind.FAITH_BASED, ["KR", "JP"], ["ko", "ja", "en"]),
    ("Fishers Rights Watch", OrgKind.NGO, ["TH", "ID", "TW"], ["th", "id", "zh"]),
    ("Bangladeshi Migrants Forum", OrgKind.MIGRANT_LED, ["BD", "SA", "MY"], ["bn", "ar"]),
    ("Sri Lanka Returnee Women Group", OrgKind.INFORMAL, ["LK"], ["si", "ta"]),
    ("Pacific Seasonal Workers Union", OrgKind.TRADE_UNION, ["FJ", "WS", "AU"], ["en", "fj"]),
    ("Mekong Migration Watch", OrgKind.NGO, ["VN", "LA", "KH"], ["vi", "lo", "km"]),
]
CITIES = [
    "Manila",
    "Jakarta",
    "Kathmandu",
    "Dhaka",
    "Bangkok",
    "Kuala Lumpur",
    "Colombo",
    "Hong Kong",
    "Seoul",
    "Suva",
    "Phnom Penh",
    "Yangon",
]
PEOPLE = [
    "Ana",
    "Budi",
    "Chandra",
    "Dewi",
    "Eka",
    "Farida",
    "Gita",
    "Hasan",
    "Indah",
    "Joy",
    "Kiran",
    "Lina",
    "Maya",
    "Nur",
    "Omar",
    "Priya",
    "Rosa",
    "Sita",
    "Tomas",
    "Yuni",
]

# The verification and listing of the n-th organization, cycling: most are verified.
STATES = [
    (Verification.VERIFIED, True),
    (Verification.VERIFIED, True),
    (Verification.VERIFIED, False),
    (Verification.PENDING, True),
    (Verification.VERIFIED, True),
    (Verification.PENDING, False),
    (Verification.VERIFIED, True),
    (Verification.REJECTED, True),
]


def organization_spec(index: int):
    base = ORG_NAMES[index % len(ORG_NAMES)]
    name = base[0] if index < len(ORG_NAMES) else f"{base[0]} {CITIES[index % len(CITIES)]}"
    if index >= len(ORG_NAMES) * len(CITIES):
        name = f"{name} {index}"
    return name, base[1], base[2], base[3]


def add_organizations(demo: DemoData, count: int) -> list[Organization]:
    facilitator = demo.users["facilitator"]
    created = []
    for index in range(count):
        name, kind, countries, languages = organization_spec(index)
        verification, listed = STATES[index % len(STATES)]
        org = Organization(
            name=name,
            kind=kind,
            listed=listed,
            verification=verification,
            description=f"{name} supports migrant workers and their families.\n\n"
            "We run a help desk, train peer leaders, and document abuses.",
            contact=f"contact@{index + 1}.demo.example.org",
            created_at=demo.now,
        )
        org.countries, org.languages = countries, languages
        if verification != Verification.PENDING:
            org.verified_at, org.verified_by_id = demo.now, facilitator.id
        if verification == Verification.REJECTED:
            org.verification_reason = "We could not confirm that this group exists."
        owner_name = "member" if index == 0 else f"owner{index + 1}"
        owner = demo.users.get(owner_name) or demo.user(owner_name, PEOPLE[index % len(PEOPLE)])
        editor = demo.user(f"editor{index + 1}", PEOPLE[(index + 7) % len(PEOPLE)])
        org.memberships = [
            Membership(user_id=owner.id, role=MemberRole.OWNER),
            Membership(user_id=editor.id, role=MemberRole.EDITOR),
        ]
        if index % 3 == 0:
            viewer = demo.user(f"viewer{index + 1}", PEOPLE[(index + 13) % len(PEOPLE)])
            org.memberships.append(Membership(user_id=viewer.id, role=MemberRole.VIEWER))
        demo.session_add(org)
        for membership in org.memberships:
            demo.account_for(membership.user_id).organizations.append(name)
        owner.active_organization = org
        created.append(org)
    demo.organizations = created
    return created
