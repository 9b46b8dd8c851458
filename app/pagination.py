"""Pages of plain rows (db.paginate only pages ORM objects, one per row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import abort, request
from sqlalchemy import Select, bindparam, func

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


def paged(query: Select, counted: bool = False) -> Select:
    """The query with LIMIT and OFFSET as bound values, for a statement built once (see
    `paginate_built`); `counted` adds the total beside each row (a window count)."""
    if counted:
        query = query.add_columns(func.count().over())
    return query.limit(bindparam("limit")).offset(bindparam("offset"))


def paginate_built(
    statement: Select, values: dict, page: int, per_page: int, total: int | None = None
) -> RowPage:
    """One page of rows of a statement built once with `paged`: with the total given, or
    read from the window count of a statement paged with `counted=True` (the rows keep
    their names, without the count)."""
    page = max(page, 1)
    window = {**values, "limit": per_page, "offset": (page - 1) * per_page}
    if total is not None:
        return RowPage(db.session.execute(statement, window).all(), page, per_page, total)
    result = db.session.execute(statement, window).freeze()
    rows = result().all()
    if rows:
        items = result().columns(*range(len(rows[0]) - 1)).all()
        return RowPage(items, page, per_page, rows[0][-1])
    if page == 1:
        return RowPage([], page, per_page, 0)
    # Past the end: no row carries the total, the first row of the first page does.
    first = db.session.execute(statement, {**values, "limit": 1, "offset": 0}).first()
    return RowPage([], page, per_page, first[-1] if first else 0)
