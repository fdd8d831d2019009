"""Field helpers shared by the domain apps."""

from __future__ import annotations

from django.db import models

from safetymonth.lib.ids import new_public_id


class PublicIdField(models.CharField):
    """A random, unique, non-sequential id for URLs (never expose integer primary keys)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", new_public_id)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        """An id typed into a URL or query (``?event=%00``) that holds a NUL character can match
        nothing; PostgreSQL would refuse the query (a 500), so it is looked up as the empty id,
        which no row has."""
        value = super().get_prep_value(value)
        if isinstance(value, str) and "\x00" in value:
            return ""
        return value
