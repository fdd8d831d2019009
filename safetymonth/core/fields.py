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
