"""A PDF laid out in parts and joined (app/compilations/typeset.py) reads as one document:
the same pages as a single run, page numbers that go on, contents and bookmarks that point
at their headings, one tree of tags."""

import io
import re

import pikepdf
import pypdf
import pytest

from app.compilations import typeset
from app.compilations.services import build_compilation, file_path
from tests.factories import make_consultation, make_org, make_submission, make_user

SENTENCE = (
    "workers report that recruitment fees take a year of wages to repay and passports are "
    "kept by employers while complaints are not answered"
)
WORDS = SENTENCE.split(" ")


def _paragraph(seed: int) -> str:
    return " ".join(WORDS[(seed + i) % len(WORDS)] for i in range(12 + seed % 40)) + "."


@pytest.fixture
def long_consultation(db):
    """Two questions; enough text for a few dozen pages, in English and Arabic."""
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator, questions=2, objectives=(6, 14))
    for number in range(6):
        text = "\n\n".join(_paragraph(number * 31 + i) for i in range(40))
        if number == 3:
            text += "\n\n" + "يفيد العمال بأن رسوم التوظيف مرتفعة " * 12
        make_submission(
            consultation,
            make_org(name=f"Long Text Network {number}"),
            state="accepted",
            texts={"q1": text, "q2": text[: len(text) // 3]},
        )
    db.session.commit()
    return consultation, facilitator


def _pdf(app, consultation, user, edition="restricted") -> bytes:
    from app.extensions import db

    with app.test_request_context("/"):
        compilation = build_compilation(consultation, "question", "en", user.id, None, _quiet)
    db.session.commit()
    return next(
        file_path(f).read_bytes()
        for f in compilation.files
        if f.edition == edition and f.format == "pdf"
    )


def _quiet(fraction, stage):
    pass


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_parts_cut_inside_a_group_make_the_pages_of_a_single_run(
    app, long_consultation, monkeypatch
):
    consultation, user = long_consultation
    single = _pdf(app, consultation, user)
    # Parts of a few pages: the long first group is cut in the middle, several times.
    monkeypatch.setattr(typeset, "PART_CHARACTERS", 20_000)
    parts = _pdf(app, consultation, user)
    single_pages, parts_pages = _pages(single), _pages(parts)
    assert len(single_pages) > 12
    # Same pages, apart from the version number printed on the cover.
    assert parts_pages[1:] == single_pages[1:]


def test_split_keeps_groups_whole_and_cuts_a_long_one_with_an_overlap(monkeypatch):
    monkeypatch.setattr(typeset, "PART_CHARACTERS", 10_000)
    monkeypatch.setattr(typeset, "OVERLAP_CHARACTERS", 1_500)

    def text(characters):
        return {"paragraphs": [{"text": "x" * characters}]}

    entries = [{"heading": "A"}, text(3000), {"heading": "B"}, text(3000)]  # together
    entries += [{"heading": "C"}] + [text(1000) for _ in range(24)]  # cut in three
    entries += [{"heading": "D"}, text(500)]
    parts = typeset._split(entries)
    assert parts[0] == (0, 0, 4)  # A and B together
    assert parts[1][:2] == (4, 4)  # C starts a part of its own, at its heading
    pieces = [(first, own) for first, own, _ in parts if first < own]
    assert len(pieces) == len(parts) - 2 >= 2  # C's other pieces go on in the middle of C
    for first, own in pieces:
        assert own - first == 2  # about OVERLAP_CHARACTERS of the piece before
        assert all("heading" not in entry for entry in entries[first:own])
    assert parts[-1][2] == len(entries)  # D, short, goes with C's last piece
    # Every entry is laid out by exactly one part (from its own entry on).
    owned = [e for _, own, end in parts for e in range(own, end)]
    assert owned == list(range(len(entries)))


def test_page_numbers_go_on_and_contents_and_bookmarks_point_at_their_headings(
    app, long_consultation, monkeypatch
):
    consultation, user = long_consultation
    monkeypatch.setattr(typeset, "PART_CHARACTERS", 20_000)
    pdf = _pdf(app, consultation, user)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = [page.extract_text() for page in reader.pages]
    count = len(texts)
    assert reader.page_labels == [str(n) for n in range(1, count + 1)]
    for number, text in enumerate(texts, 1):
        lines = [line.strip() for line in text.splitlines()]
        assert str(number) in lines  # the footer's page number
        if number > 1:  # the running head, with the title after the cover
            assert lines[0].startswith(consultation.title)

    headings = {item.title: reader.get_destination_page_number(item) for item in reader.outline}
    assert "Annex: organizations" in headings
    questions = [title for title in headings if title.startswith("Question")]
    assert len(questions) == 2
    for title, index in headings.items():
        # The heading is at the top of the page it points at (under its running head).
        top = texts[index].splitlines()[1:3]
        assert any(line.startswith(title[:20]) for line in top), title

    # The contents: each line's page number is the page its link goes to, and there the
    # heading stands.
    contents = reader.pages[1]
    links = [a.get_object() for a in contents.get("/Annots", [])]
    assert len(links) == len(headings)
    pages_by_id = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    printed = [int(n) for n in re.findall(r"(\d+)\s*$", texts[1], re.MULTILINE)[: len(links)]]
    targets = [pages_by_id[link["/Dest"][0].idnum] for link in links]
    assert printed == [target + 1 for target in targets]
    assert sorted(targets) == sorted(headings.values())


def test_the_joined_pdf_has_one_tree_of_tags_for_all_its_pages(app, long_consultation, monkeypatch):
    consultation, user = long_consultation
    monkeypatch.setattr(typeset, "PART_CHARACTERS", 20_000)
    with pikepdf.open(io.BytesIO(_pdf(app, consultation, user))) as pdf:
        pages = {page.objgen for page in pdf.pages}
        root = pdf.Root.StructTreeRoot
        numbers = pikepdf.NumberTree(root.ParentTree)
        for page in pdf.pages:
            assert int(page.obj.StructParents) in numbers
        # Every element of the tree is on a page of this document; its parent is above it.
        kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        seen, stack = 0, [(kid, root) for kid in kids]
        while stack:
            element, parent = stack.pop()
            if not isinstance(element, pikepdf.Dictionary):
                continue
            if "/S" in element:  # a structure element
                seen += 1
                assert element.P.objgen == parent.objgen
            if "/Pg" in element:
                assert element.Pg.objgen in pages
            kids = element.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack += [(kid, element) for kid in kids]
            elif kids is not None:
                stack.append((kids, element))
        assert seen > 100
        assert set(pdf.docinfo.keys()) == {"/Title"} and "/Metadata" not in pdf.Root


def test_a_part_goes_on_at_the_last_page_that_a_text_or_paragraph_begins():
    marks = [[3, 0, 1, True], [3, 1, 2, True], [3, 2, 2, False], [4, -1, 3, True], [4, 0, 3, False]]
    assert typeset._cut(marks) == (4, -1, 3)
    assert typeset._cut([[3, 0, 1, True], [3, 1, 1, False], [3, 2, 2, False]]) is None


def test_an_edition_without_texts_has_its_front_matter_and_annex(app, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator, questions=1)
    only = make_submission(
        consultation, make_org(), state="accepted", texts={"q1": "Only for reviewers."}
    )
    only.attribution = "confidential"
    db.session.commit()
    public = _pages(_pdf(app, consultation, facilitator, edition="public"))
    assert "Annex: organizations" in public[-1]
    assert not any("Only for reviewers." in page for page in public)
    restricted = _pages(_pdf(app, consultation, facilitator))
    assert any("Only for reviewers." in page for page in restricted)
