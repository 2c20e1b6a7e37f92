"""Every table, so `Base.metadata` is complete wherever it is used (migrations, tests)."""

from __future__ import annotations

from darkrange.case import _schema_case, _schema_items, _schema_log
from darkrange.case._base import Base

TABLE_MODULES = (_schema_case, _schema_items, _schema_log)
metadata = Base.metadata
