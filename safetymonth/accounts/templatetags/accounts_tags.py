from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int | str:
    """A duration in whole minutes (rounded up), for "try again in N minutes"."""
    if not isinstance(value, timedelta):
        return ""
    seconds = int(value.total_seconds())
    return max(1, -(-seconds // 60))
