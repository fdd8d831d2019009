"""Access-matrix rows for every orgs URL (see tests/access.py)."""

from tests.access import Row, only, statuses

OFFICES = ["office", "other_office"]
# Roles that cannot see cast.enterprise (outside their subtree): 404, never 403.
OUTSIDERS = {"other_section_staff": 404, "other_enterprise_staff": 404, "other_office": 404, "no_role": 404}


def _enterprise_form(c):
    return {
        "kind": "enterprise",
        "parent": c.section.public_id,
        "name": c.enterprise.name,
        "credit_code": c.enterprise.credit_code,
        "industry": "catering",
        "phone": "13800138001",
        "contact_name": "李四",
    }


ACCESS = [
    Row("orgs:list", statuses(200, no_role=403)),
    Row("orgs:list", statuses(200, no_role=403), query="?kind=enterprise&incomplete=1", note="incomplete"),
    Row("orgs:list", statuses(200, no_role=403), query="?kind=bogus&industry=nope&page=x", note="bad-filters"),
    Row("orgs:detail", statuses(200, **OUTSIDERS), args=lambda c: [c.enterprise.public_id], note="enterprise"),
    Row(
        "orgs:detail",
        statuses(200, enterprise_staff=404, **OUTSIDERS),
        args=lambda c: [c.section.public_id],
        note="section",
    ),
    Row("orgs:detail", statuses(404), args=lambda c: ["nosuchorg2345"], note="unknown"),
    # the org chooser's matches: answered for every signed-in user, within the user's own scope
    Row("orgs:search", statuses(200), query="?scope=accounts.manage&field=q&q=示例", note="search"),
    Row("orgs:search", statuses(200), query="?scope=bogus&field=x", note="search-bad-input"),
    Row("orgs:create", only(OFFICES)),
    Row(
        "orgs:create",
        # other_office cannot choose a parent outside its tree: the form comes back with the error
        only(OFFICES, ok=302, other_office=200),
        method="post",
        data=lambda c: {"kind": "enterprise", "parent": c.section.public_id, "name": "新企业"},
        note="post",
    ),
    Row(
        "orgs:edit",
        statuses(200, leader=403, tip_handler=403, **OUTSIDERS),
        args=lambda c: [c.enterprise.public_id],
        note="enterprise",
    ),
    Row(
        "orgs:edit",
        # enterprise staff's scope is its own enterprise: its parent section is invisible (404)
        statuses(200, leader=403, tip_handler=403, enterprise_staff=404, **OUTSIDERS),
        args=lambda c: [c.section.public_id],
        note="section",
    ),
    Row(
        "orgs:edit",
        statuses(302, leader=403, tip_handler=403, **OUTSIDERS),
        args=lambda c: [c.enterprise.public_id],
        method="post",
        data=_enterprise_form,
        note="post",
    ),
    Row(
        "orgs:toggle_active",
        statuses(302, leader=403, section_staff=403, tip_handler=403, enterprise_staff=404, **OUTSIDERS),
        args=lambda c: [c.enterprise2.public_id],
        method="post",
        note="post",
    ),
    Row(
        "orgs:toggle_active",
        statuses(405),
        args=lambda c: [c.enterprise2.public_id],
        note="get-refused",
    ),
    Row("orgs:industries", only(OFFICES)),
    Row("orgs:import", only(OFFICES)),
    Row("orgs:import_template", only(OFFICES), args=lambda c: ["xlsx"], note="xlsx"),
    Row("orgs:import_template", only(OFFICES), args=lambda c: ["csv"], note="csv"),
    Row("orgs:import_template", only(OFFICES, ok=404), args=lambda c: ["xls"], note="unknown-format"),
]
