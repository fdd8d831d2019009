"""Access rows for the upload and serving URLs × every role (see tests/access.py).

The material belongs to the cast's enterprise (大渡口示例加油站, under 市场运行科), uploaded by its
staff through the real pipeline. It is seen by the office and the leader (commission), the section
(supervises it) and its own staff; the original only by reviewers (office, section). Everyone else
gets a 404, so a guessed URL tells nothing. Upload sessions answer only to the user who started
them."""

from __future__ import annotations

from safetymonth.evidence.tests.upload_helpers import jpeg, place, start, upload
from safetymonth.reports.tests.helpers import published_2021
from tests.access import Row, only

UPLOADERS = ["section_staff", "enterprise_staff", "other_section_staff", "other_enterprise_staff"]
SEES = ["office", "leader", "section_staff", "enterprise_staff"]


def _material(cast):
    return [upload(cast, jpeg()).public_id]


def _session(cast):
    return [start(cast, b"x" * 10, "a.txt").public_id]


def _start_data(cast):
    p = place(cast)
    return {
        "campaign": p.campaign.public_id,
        "org": cast.enterprise.public_id,
        "item": p.item.code,
        "title": "照片",
        "name": "a.jpg",
        "size": "100",
    }


def _page(cast):
    published_2021(cast)
    return []


ACCESS = [
    Row("evidence:upload", only(UPLOADERS), args=_page),
    # only the enterprise's own staff may upload for it; others see the org (403) or not (404)
    Row(
        "evidence:upload_start",
        only(
            ["enterprise_staff"],
            ok=201,
            denied=403,
            no_role=403,
            other_section_staff=404,
            other_enterprise_staff=404,
        ),
        method="post",
        data=_start_data,
    ),
    Row(
        "evidence:upload_session",
        only(["enterprise_staff"], denied=404),
        args=_session,
    ),
    Row(
        "evidence:upload_finish",
        only(["enterprise_staff"], ok=409, denied=404),
        args=_session,
        method="post",
        note="incomplete",
    ),
    Row(
        "evidence:cards",
        only(
            [
                "office",
                "leader",
                "section_staff",
                "enterprise_staff",
                "other_section_staff",
                "other_enterprise_staff",
                "other_office",
            ]
        ),
    ),
    Row("evidence:file", only(SEES, denied=404), args=_material),
    Row("evidence:thumbnail", only(SEES, denied=404), args=_material),
    Row(
        "evidence:original",
        only(["office", "section_staff"], denied=404, leader=403, enterprise_staff=403),
        args=_material,
    ),
]
