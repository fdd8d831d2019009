from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safetymonth.orgs.models import Org


def org_list(request: HttpRequest) -> HttpResponse:
    orgs = Org.objects.for_user(request.user)  # type: ignore[arg-type]
    return render(request, "orgs/org_list.html", {"orgs": orgs})
