"""The tree: subtree queries, moves rewriting paths and depths, parent-kind rules, activation."""

import pytest
from django.core.exceptions import ValidationError

from safetymonth.audit.models import AuditEntry
from safetymonth.orgs import services
from safetymonth.orgs.models import Org, OrgKind, path_segment
from tests.factories import make_org


def test_paths_and_depths_follow_the_tree(cast):
    assert cast.commission.depth == 0 and cast.section.depth == 1 and cast.enterprise.depth == 2
    assert cast.enterprise.path == cast.commission.path + path_segment(cast.section.pk) + path_segment(
        cast.enterprise.pk
    )


def test_subtree_is_the_org_and_everything_beneath(cast):
    names = set(Org.objects.subtree(cast.section).values_list("name", flat=True))
    assert names == {cast.section.name, cast.enterprise.name, cast.enterprise2.name}
    assert cast.other_authority not in Org.objects.subtree(cast.commission)


def test_ancestors_in_order(cast):
    assert list(cast.enterprise.ancestors()) == [cast.commission, cast.section]


def test_move_rewrites_paths_and_depths_of_the_whole_subtree(cast):
    # an institution-level move: the section with its enterprises goes under another authority
    services.move_org(cast.office, cast.section, cast.other_authority)
    cast.section.refresh_from_db()
    cast.enterprise.refresh_from_db()
    assert cast.section.parent == cast.other_authority
    assert cast.section.path == cast.other_authority.path + path_segment(cast.section.pk)
    assert cast.enterprise.path == cast.section.path + path_segment(cast.enterprise.pk)
    assert (cast.section.depth, cast.enterprise.depth) == (1, 2)
    assert set(Org.objects.subtree(cast.other_authority)) >= {cast.section, cast.enterprise, cast.enterprise2}
    assert cast.enterprise not in Org.objects.subtree(cast.commission)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=cast.section.public_id).first()
    assert entry is not None and entry.changes["parent"] == [cast.commission.name, cast.other_authority.name]


def test_move_changes_depth_when_levels_differ(cast):
    sub_authority = make_org("下级委", OrgKind.AUTHORITY, cast.commission)
    services.move_org(None, cast.section, sub_authority)
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.depth == 3
    assert cast.enterprise.path.startswith(sub_authority.path)


def test_move_under_own_subtree_is_refused(cast):
    sub_authority = make_org("下级委", OrgKind.AUTHORITY, cast.commission)
    with pytest.raises(ValidationError) as exc:
        services.move_org(None, cast.commission, sub_authority)
    assert "下级" in str(exc.value)


@pytest.mark.parametrize(
    ("kind", "parent_attr", "allowed"),
    [
        (OrgKind.ENTERPRISE, "section", True),
        (OrgKind.ENTERPRISE, "commission", False),
        (OrgKind.ENTERPRISE, "enterprise", False),
        (OrgKind.SECTION, "commission", True),
        (OrgKind.SECTION, "section", False),
        (OrgKind.INSTITUTION, "commission", True),
        (OrgKind.AUTHORITY, "commission", True),
        (OrgKind.AUTHORITY, "section", False),
    ],
)
def test_parent_kind_rules(cast, kind, parent_attr, allowed):
    parent = getattr(cast, parent_attr)
    message = services.parent_kind_message(kind, parent)
    assert (message is None) is allowed
    if not allowed:
        with pytest.raises(ValidationError):
            services.create_org(None, kind=kind, parent=parent, name="x")


def test_parent_kind_message_is_specific(cast):
    message = services.parent_kind_message(OrgKind.ENTERPRISE, cast.commission)
    assert message == '企业只能放在科室之下；所选的"区商务委"是委。'
    assert "必须有上级单位" in services.parent_kind_message(OrgKind.SECTION, None)


def test_edit_org_moves_and_updates_in_one_step(cast):
    services.edit_org(cast.office, cast.enterprise, parent=cast.other_section, name="改名加油站")
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.name == "改名加油站"
    assert cast.enterprise.parent == cast.other_section
    assert cast.enterprise.path.startswith(cast.other_section.path)


def test_edit_org_refuses_kind_that_children_cannot_sit_under(cast):
    with pytest.raises(ValidationError) as exc:
        services.edit_org(cast.office, cast.section, kind=OrgKind.INSTITUTION)
    assert "kind" in exc.value.message_dict
    cast.section.refresh_from_db()
    assert cast.section.kind == OrgKind.SECTION


def test_deactivate_refused_while_children_active(cast):
    with pytest.raises(ValidationError) as exc:
        services.set_org_active(cast.office, cast.section, active=False)
    assert "2 个启用的下级单位" in exc.value.messages[0]
    services.set_org_active(cast.office, cast.enterprise, active=False)
    services.set_org_active(cast.office, cast.enterprise2, active=False)
    services.set_org_active(cast.office, cast.section, active=False)
    cast.section.refresh_from_db()
    assert not cast.section.is_active
    # reactivating a child under an inactive parent is refused too
    with pytest.raises(ValidationError):
        services.set_org_active(cast.office, cast.enterprise, active=True)


def test_cannot_deactivate_own_org(cast):
    with pytest.raises(ValidationError):
        services.set_org_active(cast.enterprise_staff, cast.enterprise, active=False)


def test_for_user_scopes(cast):
    assert set(Org.objects.for_user(cast.enterprise_staff)) == {cast.enterprise}
    assert cast.section not in Org.objects.for_user(cast.enterprise_staff)
    assert Org.objects.for_user(cast.no_role).count() == 0


def test_incomplete_and_search(cast):
    incomplete = set(Org.objects.incomplete())
    assert cast.enterprise2 in incomplete and cast.other_enterprise in incomplete
    assert cast.enterprise not in incomplete
    assert list(Org.objects.search("示例加油")) == [cast.enterprise]
    assert list(Org.objects.search(cast.enterprise.credit_code.lower())) == [cast.enterprise]
