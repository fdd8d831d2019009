"""Handling tip-offs (/tipoffs/): tip handlers triage, transfer, verify, close, convert and may
reveal a reporter's identity; a section's staff read the matter of tips transferred to them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safetymonth.accounts.permissions import Perm, can, scope_paths
from safetymonth.orgs.models import Org, under_paths_q
from safetymonth.tipoffs import services
from safetymonth.tipoffs.forms import ConvertForm, FeedbackForm, MessageForm, ReasonForm, TransferForm, VerifyForm
from safetymonth.tipoffs.models import TipOff, TipStatus

PAGE_SIZE = 30


def _get_tip(user, public_id: str, *, handle: bool = False) -> TipOff:
    tip = TipOff.objects.for_user(user).select_related("org", "section", "hazard").filter(public_id=public_id).first()
    if tip is None:
        raise Http404
    if handle and not services.can_handle(user, tip):
        raise PermissionDenied
    return tip


def _sections(user):
    return Org.objects.filter(under_paths_q(scope_paths(user, Perm.HANDLE_TIPS)), kind="section", is_active=True)


def tip_list(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, Perm.HANDLE_TIPS) or can(request.user, Perm.VERIFY_TIPS)):
        raise PermissionDenied
    qs = TipOff.objects.for_user(request.user).select_related("org", "section")
    status = request.GET.get("status", "")
    if status in TipStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("overdue"):
        qs = qs.overdue()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tipoffs/list.html",
        {"page": page, "statuses": TipStatus.choices, "status": status, "overdue": bool(request.GET.get("overdue"))},
    )


def _detail_context(request: HttpRequest, tip: TipOff, **forms) -> dict:
    handler = services.can_handle(request.user, tip)
    ctx = {"tip": tip, "handler": handler, "now": timezone.now(), "overdue": tip.overdue_clock()}
    if handler:
        ctx.update(
            history=list(tip.history.all()),
            tip_messages=list(tip.messages.all()),
            message_form=forms.get("message_form") or MessageForm(),
            reason_form=forms.get("reason_form") or ReasonForm(),
            transfer_form=forms.get("transfer_form") or TransferForm(sections=_sections(request.user)),
            verify_form=forms.get("verify_form") or VerifyForm(),
            feedback_form=forms.get("feedback_form") or FeedbackForm(),
            convert_form=forms.get("convert_form") or ConvertForm(initial={"place": tip.address}),
            error=forms.get("error"),
        )
    return ctx


@never_cache
def tip_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = _get_tip(request.user, public_id)
    return render(request, "tipoffs/detail.html", _detail_context(request, tip))


ACTIONS = {"accept", "reject", "transfer", "start", "extend", "verify", "close", "message"}


@require_POST
def tip_act(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = _get_tip(request.user, public_id, handle=True)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    user = request.user
    forms: dict = {}
    try:
        if action == "accept":
            services.accept_tip(user, tip)
        elif action == "start":
            services.start_verification(user, tip)
        elif action in ("reject", "extend"):
            form = forms["reason_form"] = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError("")
            fn = services.reject_tip if action == "reject" else services.extend_verification
            fn(user, tip, form.cleaned_data["reason"])
        elif action == "transfer":
            form = forms["transfer_form"] = TransferForm(request.POST, sections=_sections(user))
            if not form.is_valid():
                raise ValidationError("")
            services.transfer_tip(user, tip, form.cleaned_data["section"], form.cleaned_data["deadline"])
        elif action == "verify":
            form = forms["verify_form"] = VerifyForm(request.POST)
            if not form.is_valid():
                raise ValidationError("")
            services.record_verification(user, tip, form.cleaned_data["outcome"], form.cleaned_data["note"])
        elif action == "close":
            form = forms["feedback_form"] = FeedbackForm(request.POST)
            if not form.is_valid():
                raise ValidationError("")
            services.close_tip(user, tip, form.cleaned_data["feedback"])
        elif action == "message":
            form = forms["message_form"] = MessageForm(request.POST)
            if not form.is_valid():
                raise ValidationError("")
            services.add_handler_message(user, tip, form.cleaned_data["text"])
    except ValidationError as exc:
        if exc.messages != [""]:
            forms["error"] = " ".join(m for m in exc.messages if m)
        tip.refresh_from_db()
        return render(request, "tipoffs/detail.html", _detail_context(request, tip, **forms), status=200)
    messages.success(request, _("已保存。"))
    return redirect("tipoffs:detail", public_id=tip.public_id)


@require_POST
def tip_convert(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = _get_tip(request.user, public_id, handle=True)
    form = ConvertForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.convert_tip_to_hazard(request.user, tip, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("已转为隐患。"))
            # back to the tip: a tip handler does not read the hazard ledger (no hazards.view)
            return redirect("tipoffs:detail", public_id=tip.public_id)
    return render(request, "tipoffs/detail.html", _detail_context(request, tip, convert_form=form, error=error))


@never_cache
def tip_reveal(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the form asking why; POST with a reason: the identity, once, audited."""
    tip = _get_tip(request.user, public_id, handle=True)
    form = ReasonForm(request.POST or None)
    identity = None
    if request.method == "POST" and form.is_valid():
        try:
            identity = services.reveal_identity(request.user, tip, form.cleaned_data["reason"])
        except ValidationError as exc:
            for msg in exc.message_dict.get("reason", exc.messages):
                form.add_error("reason", msg)
    return render(request, "tipoffs/reveal.html", {"tip": tip, "form": form, "identity": identity})
