"""Pages of statements built once: the total comes with their rows (a window count), or is
given; pages past the end."""

from sqlalchemy import select

from app.consultations.models import Consultation
from app.pagination import paged, paginate_built
from tests.factories import make_consultation


def test_the_total_comes_with_the_rows_and_past_the_end_is_counted_apart(app, db, count_queries):
    for number in range(7):
        make_consultation(title=f"Paged {number}")
    statement = paged(select(Consultation).order_by(Consultation.id), counted=True)
    with app.test_request_context("/"):
        with count_queries() as statements:
            second = paginate_built(statement, {}, 2, 3)
        assert len(statements) == 1
        assert all(isinstance(row[0], Consultation) for row in second.items)
        assert (len(second.items), second.total, second.pages) == (3, 7, 3)
        assert second.has_prev and second.has_next
        with count_queries() as statements:
            beyond = paginate_built(statement, {}, 9, 3)
        assert (beyond.items, beyond.total, len(statements)) == ([], 7, 2)
        none = paged(select(Consultation).where(Consultation.id < 0), counted=True)
        empty = paginate_built(none, {}, 1, 3)
        assert (empty.items, empty.total, empty.pages) == ([], 0, 1)


def test_rows_keep_their_names_without_the_count(app, db):
    for number in range(4):
        make_consultation(title=f"Rows {number}")
    query = select(Consultation.id, Consultation.slug).order_by(Consultation.id)
    with app.test_request_context("/"):
        page = paginate_built(paged(query, counted=True), {}, 1, 3)
        assert page.total == 4 and len(page.items) == 3
        row = page.items[0]
        assert len(row) == 2 and row.slug and row.id == row[0]
        id_first = page.items[0].id
        known = paginate_built(paged(query), {}, 2, 3, total=4)
        assert len(known.items) == 1 and known.items[0].id > id_first
