"""The declarative base with a naming convention, so Alembic names constraints stably."""

from datetime import UTC, datetime
from itertools import chain

from sqlalchemy import DateTime, MetaData, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    # Every Mapped[datetime] column stores an aware UTC datetime.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def render_migration_item(type_: str, obj, autogen_context):
    """Write our own column types into migrations as the plain types they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


class joined_codes(FunctionElement):
    """Short codes (languages, countries) of the rows an aggregate sees, in one string joined
    by commas: `string_agg` on PostgreSQL, `group_concat` on SQLite. The order is not
    guaranteed: sort them after splitting."""

    type = String()
    inherit_cache = True
    name = "joined_codes"


@compiles(joined_codes, "postgresql")
def _joined_codes_postgresql(element, compiler, **kw) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


@compiles(joined_codes, "sqlite")
def _joined_codes_sqlite(element, compiler, **kw) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


def split_codes(joined: str | None) -> list[str]:
    return sorted(joined.split(",")) if joined else []


def flushed_tables(session) -> set[str]:
    """The tables of the objects a flush writes (new, changed or deleted), for an
    `after_flush` listener."""
    changed = chain(session.new, session.dirty, session.deleted)
    return {getattr(type(obj), "__tablename__", "") for obj in changed}


def written_table(orm_execute_state) -> str | None:
    """The table a bulk INSERT, UPDATE or DELETE writes (a `do_orm_execute` listener sees
    them, a flush does not), else None."""
    state = orm_execute_state
    if state.is_insert or state.is_update or state.is_delete:
        return getattr(getattr(state.statement, "table", None), "name", None)
    return None
