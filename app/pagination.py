"""Pages of plain rows (db.paginate only pages ORM objects, one per row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import abort, request
from sqlalchemy import Select, func, select

from app.extensions import db
from app.inputs import number_from


def requested_page() -> int:
    """The page number in the query string (`?page=N`), 1 when none is given.

    Anything else than a whole number from 1 to about two thousand million is a 404: a
    larger one would not even fit the database's OFFSET (an error, not an empty page).
    """
    number = number_from(request.args.get("page"), default=1)
    if number is None:
        abort(404)
    return number


@dataclass
class RowPage:
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate_rows(query: Select, page: int, per_page: int, total: int | None = None) -> RowPage:
    """One page of rows; `total` saves the count when the caller knows it already. Without
    it, the total comes with the rows (a window count, see `paginate_counted`)."""
    page = max(page, 1)
    if total is not None:
        rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
        return RowPage(rows, page, per_page, total)
    return _with_window_count(query, page, per_page, whole_rows=True)


def paginate_counted(query: Select, page: int, per_page: int) -> RowPage:
    """One page of the query's first entity (objects, or plain values) and the total, in one
    statement (a window count beside each row)."""
    return _with_window_count(query, max(page, 1), per_page, whole_rows=False)


def _with_window_count(query: Select, page: int, per_page: int, whole_rows: bool) -> RowPage:
    counted = query.add_columns(func.count().over())
    result = db.session.execute(counted.limit(per_page).offset((page - 1) * per_page)).freeze()
    rows = result().all()
    if rows:
        total = rows[0][-1]
    elif page == 1:
        total = 0
    else:  # past the end: no row carries the total
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if whole_rows:  # the rows as the query names them, without the count
        items = result().columns(*range(len(rows[0]) - 1)).all() if rows else []
    else:
        items = [row[0] for row in rows]
    return RowPage(items, page, per_page, total)
