"""The ORM base, the column types every table shares, and the mixins for evaluation/provenance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Integer, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Fixed constraint names, so Alembic migrations name the same things on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcTime(TypeDecorator[datetime]):
    """A timezone-aware UTC time, stored naive in UTC (SQLite drops time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("times stored in the case database must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Evaluated:
    """Europol-style evaluation carried on every item: source A/B/C/X, information 1-4, H0-H3."""

    eval_source: Mapped[str] = mapped_column(String(1), default="X")
    eval_information: Mapped[int] = mapped_column(Integer, default=4)
    handling: Mapped[str] = mapped_column(String(2), default="H2")


class Provenanced:
    """Where an imported item came from (partner, format, its id there); None for our own."""

    prov_partner: Mapped[str | None] = mapped_column(String(200), default=None)
    prov_format: Mapped[str | None] = mapped_column(String(10), default=None)
    prov_original_id: Mapped[str | None] = mapped_column(String(200), default=None)
    prov_imported_at: Mapped[datetime | None] = mapped_column(default=None)
