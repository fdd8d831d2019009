"""The notice checklist (safetymonth.lib.notice), without a database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from safetymonth.lib.notice import ERROR, WARNING, check_notice, parse_cn_number, safety_month_ordinal

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2022, 5, 20, 9, 0, tzinfo=TZ)


def notice(**changes):
    data = {
        "year": 2022,
        "title": "关于开展2022年全区商务领域“安全生产月”活动的通知",
        "doc_number": "渡商发〔2022〕21号",
        "issuing_org": "重庆市大渡口区商务委员会",
        "issue_date": "2022-05-30",
        "preamble": "今年6月是全国第21个“安全生产月”。",
        "cited_documents": [
            {"title": "关于开展2022年全市商务领域“安全生产月”活动的通知", "doc_number": "渝商务〔2022〕9号"}
        ],
        "periods": [{"code": "m", "name": "安全生产月", "start": "2022-06-01", "end": "2022-06-30", "note": ""}],
        "rounds": [{"code": "r", "name": "进展报送", "deadline": "2022-06-28T23:59:59+08:00"}],
        "slogans": {"items": ["深入开展第二十一个全国“安全生产月”活动"]},
    }
    data.update(changes)
    return data


def codes(data, severity=None, now=NOW):
    return [(f.code, f.where) for f in check_notice(data, now=now, tz=TZ) if severity in (None, f.severity)]


def test_a_complete_notice_passes():
    assert codes(notice()) == []


def test_required_fields_are_errors():
    found = codes(notice(doc_number="", issue_date=None, issuing_org=None), ERROR)
    assert found == [("doc_number_missing", "doc_number"), ("issue_date_missing", "issue_date"),
                     ("issuing_org_missing", "issuing_org")]  # fmt: skip


def test_doc_number_form_and_year():
    assert codes(notice(doc_number="渡商发2022-21"), ERROR) == [("doc_number_format", "doc_number")]
    assert codes(notice(doc_number="渡商发〔2022〕021号"), ERROR) == [("doc_number_format", "doc_number")]
    assert codes(notice(doc_number="渡商发〔2021〕19号"), ERROR) == [("doc_number_year", "doc_number")]


def test_dates_outside_the_year_are_errors():
    data = notice(issue_date="2021-06-02")
    data["periods"][0]["end"] = "2023-01-01"
    assert codes(data, ERROR) == [("date_outside_year", "issue_date"), ("date_outside_year", "periods.0.end")]


def test_a_round_must_lie_ahead_unless_the_year_is_past():
    later = dt.datetime(2022, 7, 1, tzinfo=TZ)
    assert codes(notice(), ERROR, now=later) == [("no_future_deadline", "rounds")]
    assert codes(notice(), ERROR, now=dt.datetime(2023, 7, 1, tzinfo=TZ)) == []  # history entered afterwards


def test_leftovers_of_an_earlier_year_warn_item_by_item():
    data = notice(
        title="关于开展2021年全区商务领域“安全生产月”活动的通知",
        preamble="今年6月是全国第20个“安全生产月”。",
        cited_documents=[{"title": "2022年的通知", "doc_number": "渡安办发〔2021〕33号"}],
        slogans={"items": ["深入开展第二十个全国“安全生产月”活动"]},
    )
    assert codes(data, WARNING) == [
        ("earlier_year", "title"),
        ("ordinal", "preamble"),
        ("earlier_year", "cited_documents.0"),
        ("ordinal", "slogans.items.0"),
    ]


def test_the_ordinal_follows_from_the_year():
    assert safety_month_ordinal(2021) == 20 and safety_month_ordinal(2026) == 25
    assert [parse_cn_number(t) for t in ("20", "二十", "十九", "二十一", "十", "二五", "x")] == [
        20,
        20,
        19,
        21,
        10,
        25,
        None,
    ]
