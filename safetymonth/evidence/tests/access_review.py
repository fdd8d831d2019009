"""Access rows for the gallery, a material's page, review and the inspection package (see
tests/access.py). The material belongs to 大渡口示例加油站 (``cast.enterprise``, under 市场运行科):
seen by the office, the leader, the section and the enterprise; reviewed by the section and the
office; edited or deleted by the enterprise's staff while pending. Rows are made without files."""

from __future__ import annotations

from safetymonth.evidence.models import ReviewState
from safetymonth.evidence.tests.factories_review import make_material
from tests.access import Row, only

SEES = ["office", "leader", "section_staff", "enterprise_staff"]
VIEWERS = [
    "office",
    "leader",
    "section_staff",
    "enterprise_staff",
    "other_section_staff",
    "other_enterprise_staff",
    "other_office",
]
REVIEWERS = ["office", "section_staff"]
PACKAGERS = ["office", "leader", "section_staff", "other_section_staff", "other_office"]


def _material(state: str = ReviewState.PENDING):
    def build(cast):
        return [make_material(cast, cast.enterprise, with_files=False, state=state).public_id]

    return build


def _sees(allowed: list[str], ok: int) -> dict[str, int]:
    """``ok`` for ``allowed``, 403 for the others who see the material, 404 for everyone else."""
    out = only(allowed, ok=ok, denied=404)
    for role in SEES:
        if role not in allowed:
            out[role] = 403
    return out


ACCESS = [
    Row("evidence:gallery", only(VIEWERS)),
    Row("evidence:showcase", only(VIEWERS)),
    Row("evidence:review_queue", only(["office", "section_staff", "other_section_staff", "other_office"])),
    Row("evidence:detail", only(SEES, denied=404), args=_material()),
    Row(
        "evidence:edit",
        _sees(["office", "section_staff", "enterprise_staff"], 302),
        args=_material(),
        method="post",
        data=lambda cast: {"title": "新标题", "description": ""},
    ),
    Row("evidence:delete", _sees(["enterprise_staff"], 200), args=_material(), note="confirm"),
    Row("evidence:delete", _sees(["enterprise_staff"], 302), args=_material(), method="post"),
    Row(
        "evidence:review",
        _sees(REVIEWERS, 302),
        args=_material(),
        method="post",
        data=lambda cast: {"action": "accept", "reason": ""},
    ),
    Row(
        "evidence:good_practice",
        _sees(REVIEWERS, 302),
        args=_material(ReviewState.ACCEPTED),
        method="post",
        data=lambda cast: {"flag": "1"},
    ),
    Row("evidence:package", only(PACKAGERS)),
    # 市场运行科's subtree: the commission's office and leader, the section itself; enterprises hold
    # no exports.export (403 before the org is looked up); other subtrees do not see the section (404).
    Row(
        "evidence:package_org",
        only(
            ["office", "leader", "section_staff"],
            other_section_staff=404,
            other_office=404,
        ),
        args=lambda cast: [cast.section.public_id],
    ),
]
