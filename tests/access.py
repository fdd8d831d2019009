"""The access matrix: every URL pattern × every role of the cast, with the status each must get.

Each app lists its URLs in ``safetymonth/<app>/tests/access.py`` as ``ACCESS = [Row(...), ...]``.
``tests/test_access_matrix.py`` walks them all and fails for any URL pattern that no row names.

Roles (keys of ``expect``): anonymous, office, leader, section_staff, enterprise_staff,
tip_handler, other_section_staff, other_enterprise_staff, other_office, no_role.
Give every role; use the helpers below to keep rows short. Anonymous users are redirected to the
login page (302) unless the page is public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = [
    "anonymous",
    "office",
    "leader",
    "section_staff",
    "enterprise_staff",
    "tip_handler",
    "other_section_staff",
    "other_enterprise_staff",
    "other_office",
    "no_role",
]


@dataclass
class Row:
    url_name: str
    expect: dict[str, int]
    # builds the URL's args from the cast (tests.factories.Cast) and the db
    args: Callable[[Any], list[Any]] = field(default=lambda cast: [])
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    query: str = ""
    note: str = ""
    public: bool = False  # served without login (anonymous 302 is then not a login redirect)

    def __post_init__(self) -> None:
        missing = [r for r in ROLES if r not in self.expect]
        if missing:
            raise ValueError(f"{self.url_name}: no expected status for {missing}")


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """All roles get ``default`` except the overrides; anonymous gets 302 unless overridden."""
    out = dict.fromkeys(ROLES, default)
    out["anonymous"] = 302
    out.update(overrides)
    return out


def only(allowed: list[str], ok: int = 200, denied: int = 403, **overrides: int) -> dict[str, int]:
    """``ok`` for the allowed roles, ``denied`` for every other signed-in role, 302 for anonymous."""
    out = {role: (ok if role in allowed else denied) for role in ROLES}
    out["anonymous"] = 302
    out.update(overrides)
    return out
