from django.urls import include, path
from django.views.i18n import set_language

from safetymonth.api.urls import urls as api_urls
from safetymonth.core.public import public

urlpatterns = [
    path("", include("safetymonth.core.urls")),
    path("accounts/", include("safetymonth.accounts.urls")),
    path("orgs/", include("safetymonth.orgs.urls")),
    path("audit/", include("safetymonth.audit.urls")),
    path("reports/", include("safetymonth.reports.urls")),
    path("campaigns/", include("safetymonth.campaigns.urls")),
    path("dashboard/", include("safetymonth.dashboard.urls")),
    path("exports/", include("safetymonth.exports.urls")),
    path("evidence/", include("safetymonth.evidence.urls")),
    path("events/", include("safetymonth.events.urls")),
    path("hazards/", include("safetymonth.hazards.urls")),
    path("exposure/", include("safetymonth.hazards.urls_public")),
    path("tipoffs/", include("safetymonth.tipoffs.urls")),
    path("tips/", include("safetymonth.tipoffs.urls_public")),
    path("api/v1/", api_urls),
    path("i18n/setlang/", public(set_language), name="set_language"),
]

handler403 = "safetymonth.core.views.permission_denied"
handler404 = "safetymonth.core.views.page_not_found"
handler500 = "safetymonth.core.views.server_error"
