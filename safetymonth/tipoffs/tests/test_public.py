"""The public tip pages: filing, the receipt, following, abuse controls, and that nothing about the
client (address, user agent) nor the identity in plain text is stored anywhere."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from safetymonth.audit.models import AuditEntry
from safetymonth.lib import receipts
from safetymonth.tipoffs import abuse, services
from safetymonth.tipoffs.models import TipMessage, TipOff, TipStatus
from safetymonth.tipoffs.tests.helpers import REPORTER_ID, REPORTER_NAME, REPORTER_PHONE, make_tip

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"
AGENT = "Mozilla/5.0 WeChatTestAgent/8.0.49"


@pytest.fixture(autouse=True)
def _easy_pow(settings):
    settings.TIP_POW_BITS = 4


def _data(**extra):
    challenge = abuse.new_challenge()
    data = {
        "category": "major_hazard",
        "enterprise_name": "大渡口示例加油站",
        "address": "春晖路1号",
        "happened_on": "2021-06-10",
        "details": "罩棚下违规卸油，现场没有静电接地，员工都不敢说。",
        "is_employee": "on",
        "name": REPORTER_NAME,
        "phone": REPORTER_PHONE,
        "id_number": REPORTER_ID,
        "consent": "on",
        "pow_challenge": challenge,
        "pow_nonce": receipts.solve_pow(challenge, 4),
    }
    data.update(extra)
    return data


def _post(client, **extra):
    return client.post(reverse("tips:new"), _data(**extra), REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)


def _all_rows_text() -> str:
    """Every row of every table, as text (what a database dump or backup would hold)."""
    parts = []
    with connection.cursor() as cur:
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in connection.introspection.table_names():
                continue
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(repr(row) for row in cur.fetchall())
    return "\n".join(parts)


def test_form_is_public_and_says_what_is_kept(client):
    response = client.get(reverse("tips:new"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "不记录您的 IP 地址" in body
    assert 'name="pow_challenge"' in body and "data-tip-form" in body
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]


def test_filing_shows_the_receipt_once_and_stores_only_its_slow_hash(client, cast):
    response = _post(client)
    assert response.status_code == 201
    code = receipts.normalise(response.context["code"])
    assert receipts.is_well_formed(code)
    tip = TipOff.objects.get()
    assert tip.org == cast.enterprise and tip.is_employee and tip.pow_checked and not tip.duplicate
    assert tip.status == TipStatus.PENDING
    assert code not in _all_rows_text()
    assert services.find_tip_by_receipt(code) == tip
    assert client.get(reverse("tips:follow")).status_code == 200  # nothing shows the code again
    assert code not in client.get(reverse("tips:follow")).content.decode()


def test_no_address_no_agent_no_plain_identity_anywhere(client, cast, caplog):
    caplog.set_level(logging.DEBUG)
    response = _post(client)
    code = receipts.normalise(response.context["code"])
    client.post(reverse("tips:follow"), {"code": code}, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    client.post(reverse("tips:status"), {"text": "补充：卸油时间是晚上十一点。"}, REMOTE_ADDR=ADDRESS)
    dump = _all_rows_text()
    for secret in (ADDRESS, AGENT, "WeChatTestAgent", REPORTER_PHONE, REPORTER_NAME, REPORTER_ID, "静电接地", "十一点"):
        assert secret not in dump, secret
        assert secret not in caplog.text, secret
    entries = AuditEntry.objects.filter(object_type="tipoffs.tipoff")
    assert entries.count() == 2
    assert all(e.ip is None and e.user_agent == "" for e in entries)
    for session in Session.objects.all():
        decoded = session.get_decoded()
        # the tip's id, and the idle-expiry refresh stamp (a time, nothing about the client)
        assert set(decoded) <= {"tipoff", "_refreshed_at"}, decoded
        assert isinstance(decoded.get("_refreshed_at", 0), int)
        assert ADDRESS not in repr(decoded) and AGENT not in repr(decoded)
    tip = TipOff.objects.get()
    assert tip.identity() == {"name": REPORTER_NAME, "phone": REPORTER_PHONE, "id_number": REPORTER_ID}


def test_sqlite_dump_holds_no_plaintext(cast):
    """What `sqlite3 db.sqlite3 .dump` (a backup) would hold."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's dump; the row scan above covers PostgreSQL")
    make_tip(cast)
    connection.ensure_connection()
    dump = "\n".join(connection.connection.iterdump())
    assert "tipoffs_tipoff" in dump
    for secret in (REPORTER_PHONE, REPORTER_ID, REPORTER_NAME, "静电接地"):
        assert secret not in dump, secret


def test_bad_input_keeps_what_was_typed(client):
    response = _post(client, phone="12345", id_number="110105194912310021", consent="", details="太短")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"phone", "id_number", "consent", "details"}
    body = response.content.decode()
    assert "请填写正确的手机号" in body and "大渡口示例加油站" in body
    assert not TipOff.objects.exists()


def test_proof_of_work_is_checked_on_the_server(client, settings):
    settings.TIP_POW_BITS = 12
    challenge = abuse.new_challenge()
    nonce = receipts.solve_pow(challenge, 12)
    wrong = next(str(n) for n in range(10_000) if not receipts.pow_ok(challenge, str(n), 12))
    assert abuse.pow_valid(challenge, wrong) is False
    assert abuse.pow_valid("forged:challenge", receipts.solve_pow("forged:challenge", 12)) is False
    assert abuse.pow_valid(challenge, nonce) is True
    assert abuse.pow_valid(challenge, nonce) is False  # used once only
    _post(client, pow_challenge=challenge, pow_nonce=wrong)
    assert TipOff.objects.get().pow_checked is False


def test_burst_from_one_address_is_throttled_stricter_without_pow(client, settings):
    settings.TIP_RATE_PER_HOUR = 3
    settings.TIP_RATE_PER_HOUR_NO_POW = 1
    assert _post(client, pow_nonce="").status_code == 201
    response = _post(client, pow_nonce="", details="另一件事：仓库堆放了大量液化气瓶。")
    assert response.status_code == 200 and "提交过于频繁" in response.content.decode()
    assert _post(client, details="第三件事：消防通道被货物堵死了。").status_code == 201
    assert _post(client, details="第四件事：安全出口上了锁，无法打开。").status_code == 200
    assert TipOff.objects.count() == 2
    other = client.post(reverse("tips:new"), _data(details="别处的人举报：灭火器全部过期。"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 201


def test_same_text_from_same_address_is_flagged_duplicate(client):
    _post(client)
    _post(client, details="  罩棚下违规卸油，现场没有静电接地，员工都不敢说。 ")
    client.post(reverse("tips:new"), _data(), REMOTE_ADDR="203.0.113.9")
    assert list(TipOff.objects.order_by("pk").values_list("duplicate", flat=True)) == [False, True, False]


def test_wrong_receipt_codes_are_throttled(client, cast, settings):
    settings.TIP_RECEIPT_FAILURES = 5
    _tip, code = make_tip(cast)
    url = reverse("tips:follow")
    for _ in range(5):
        r = client.post(url, {"code": receipts.new_code()}, REMOTE_ADDR=ADDRESS)
        assert "回执码不正确" in r.content.decode()
    r = client.post(url, {"code": code}, REMOTE_ADDR=ADDRESS)
    assert "错误次数过多" in r.content.decode() and "tipoff" not in client.session
    ok = client.post(url, {"code": code}, REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 302


def test_a_thousand_wrong_codes_cost_at_most_the_limit(client, cast, settings, monkeypatch):
    """1,000 guesses from one address: only the first TIP_RECEIPT_FAILURES reach the slow hash."""
    calls = []
    real = services.find_tip_by_receipt
    monkeypatch.setattr(services, "find_tip_by_receipt", lambda code: calls.append(code) or real(code))
    for _ in range(1000):
        client.post(reverse("tips:follow"), {"code": receipts.new_code()}, REMOTE_ADDR=ADDRESS)
    assert len(calls) == settings.TIP_RECEIPT_FAILURES


def test_follow_shows_status_messages_and_takes_replies(client, cast):
    tip, code = make_tip(cast)
    services.accept_tip(cast.tip_handler, tip)
    services.add_handler_message(cast.tip_handler, tip, "请问卸油大概是几点？")
    assert client.get(reverse("tips:status")).status_code == 302
    r = client.post(reverse("tips:follow"), {"code": receipts.grouped(code)})
    assert r.status_code == 302 and client.session["tipoff"] == tip.public_id
    page = client.get(reverse("tips:status")).content.decode()
    assert "已受理" in page and "请问卸油大概是几点？" in page
    assert REPORTER_PHONE not in page and REPORTER_NAME not in page
    client.post(reverse("tips:status"), {"text": "晚上十一点左右。"})
    assert [m.sender for m in TipMessage.objects.order_by("pk")] == ["handler", "reporter"]
    r = client.post(reverse("tips:status"), {"text": "   "})
    assert "text" in r.context["form"].errors
    client.post(reverse("tips:logout"))
    assert client.get(reverse("tips:status")).status_code == 302


def test_enterprise_suggestions_need_two_characters(client, cast):
    assert client.get(reverse("tips:enterprises"), {"q": "大"}).json() == {"names": []}
    names = client.get(reverse("tips:enterprises"), {"q": "示例"}).json()["names"]
    assert "大渡口示例加油站" in names and len(names) <= 10
