"""Alembic migrations of the case database (`darkrange case db upgrade`)."""
