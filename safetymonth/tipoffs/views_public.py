"""The public tip pages (/tips/): no login, nothing stored about the client. The receipt code is
the reporter's only credential: after a good code the session holds the tip's public id, nothing
else (no address, no user agent)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from safetymonth.core.public import public
from safetymonth.lib import receipts
from safetymonth.orgs.models import Org
from safetymonth.tipoffs import abuse, services
from safetymonth.tipoffs.forms import MessageForm, ReceiptForm, TipForm
from safetymonth.tipoffs.models import TipMessage, TipOff

SESSION_KEY = "tipoff"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # no-referrer would send Origin: null and fail CSRF
    return response


@public
@never_cache
def tip_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TipForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            with_pow = abuse.pow_valid(d["pow_challenge"], d["pow_nonce"])
            if not abuse.allow_tip(request, with_pow):
                form.add_error(None, _("提交过于频繁，请稍后再试，或拨打 12350 举报电话。"))
            else:
                tip, code = services.submit_tip(
                    services.NewTip(
                        category=d["category"],
                        enterprise_name=d["enterprise_name"],
                        details=d["details"],
                        address=d["address"],
                        happened_on=d["happened_on"],
                        is_employee=d["is_employee"],
                        name=d["name"],
                        phone=d["phone"],
                        id_number=d["id_number"],
                    ),
                    pow_checked=with_pow,
                    duplicate=abuse.is_duplicate(request, d["details"]),
                )
                # Shown once, in this response: the code is not kept anywhere in plain text.
                return _no_store(
                    render(request, "tipoffs/receipt.html", {"code": receipts.grouped(code), "tip": tip}, status=201)
                )
        data = form.data.copy()
        data["pow_challenge"] = abuse.new_challenge()
        data["pow_nonce"] = ""
        form.data = data
    else:
        form = TipForm(initial={"pow_challenge": abuse.new_challenge()})
    return _no_store(render(request, "tipoffs/new.html", {"form": form, "pow_bits": settings.TIP_POW_BITS}, status=200))


@public
@require_safe
def enterprise_suggestions(request: HttpRequest) -> JsonResponse:
    """Up to ten names of active enterprises containing ``q`` (two characters at least)."""
    q = request.GET.get("q", "").strip()[:40]
    names: list[str] = []
    if len(q) >= 2:
        names = list(
            Org.objects.filter(kind="enterprise", is_active=True, name__contains=q)
            .order_by("name")
            .values_list("name", flat=True)[:10]
        )
    return JsonResponse({"names": names})


@public
@never_cache
def follow_login(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if abuse.receipt_blocked(request):
            form.add_error("code", _("回执码错误次数过多，请 15 分钟后再试。"))
        else:
            tip = services.find_tip_by_receipt(form.cleaned_data["code"])
            if tip is None:
                abuse.receipt_failed(request)
                form.add_error("code", _("回执码不正确，请核对 16 位数字。"))
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = tip.public_id
                return redirect("tips:status")
    return _no_store(render(request, "tipoffs/follow.html", {"form": form}))


def _session_tip(request: HttpRequest) -> TipOff | None:
    public_id = request.session.get(SESSION_KEY)
    if not public_id:
        return None
    return TipOff.objects.select_related("hazard").filter(public_id=public_id).first()


@public
@never_cache
def follow_status(request: HttpRequest) -> HttpResponse:
    tip = _session_tip(request)
    if tip is None:
        return redirect("tips:follow")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_reporter_message(tip, form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("tips:status")
    messages = list(tip.messages.all())
    return _no_store(
        render(
            request,
            "tipoffs/status.html",
            {"tip": tip, "form": form, "tip_messages": messages, "reporter": TipMessage.Sender.REPORTER},
        )
    )


@public
@require_POST
def follow_logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("tips:follow")
