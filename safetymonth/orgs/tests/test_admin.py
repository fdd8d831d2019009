"""The admin classes keep path and depth read-only and save through the services."""

from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from safetymonth.orgs.admin import IndustryAdmin, OrgAdmin
from safetymonth.orgs.models import Industry, Org


def test_path_and_depth_read_only(cast):
    org_admin = OrgAdmin(Org, AdminSite())
    request = RequestFactory().get("/")
    request.user = cast.office
    assert {"path", "depth"} <= set(org_admin.get_readonly_fields(request, None))
    assert "kind" in org_admin.get_readonly_fields(request, cast.section)
    assert not org_admin.has_delete_permission(request, cast.section)
    assert not IndustryAdmin(Industry, AdminSite()).has_delete_permission(request)


class _Form:
    def __init__(self, **data):
        self.cleaned_data = data


def test_admin_save_moves_through_service(cast):
    org_admin = OrgAdmin(Org, AdminSite())
    request = RequestFactory().post("/")
    request.user = cast.office
    obj = Org.objects.get(pk=cast.enterprise.pk)
    obj.parent = cast.other_section
    org_admin.save_model(request, obj, _Form(name="改名", phone="13800138000"), change=True)
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.name == "改名"
    assert cast.enterprise.path.startswith(cast.other_section.path) and cast.enterprise.depth == 2


def test_admin_create_sets_path(cast):
    org_admin = OrgAdmin(Org, AdminSite())
    request = RequestFactory().post("/")
    request.user = cast.office
    obj = Org(kind="enterprise", parent=cast.section)
    org_admin.save_model(request, obj, _Form(name="后台新建"), change=False)
    created = Org.objects.get(name="后台新建")
    assert obj.pk == created.pk and created.path.startswith(cast.section.path)
