"""factory_boy factories and the fixed cast used across the test suite."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import factory

from safetymonth.accounts.models import Membership, Role, User
from safetymonth.lib.uscc import complete
from safetymonth.orgs import services as org_services
from safetymonth.orgs.models import Industry, Org, OrgKind, path_segment

PASSWORD = "Safety-Month-2021"

_seq = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid unified social credit code, different for every n."""
    n = next(_seq) if n is None else n
    return complete(f"91500104{n:09d}")


def make_org(name: str, kind: str, parent: Org | None = None, **fields) -> Org:
    return org_services.create_org(None, kind=kind, parent=parent, name=name, **fields)


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.Sequence(lambda n: f"行业{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)


def make_user(username: str, org: Org | None, role: str | None, **fields) -> User:
    user = UserFactory(username=username, **fields)
    if org is not None and role is not None:
        Membership.objects.create(user=user, org=org, role=role)
    return user


@dataclass
class Cast:
    """A small tree and one user per role, plus users of other orgs (the outsiders)."""

    commission: Org
    office_org: Org
    section: Org
    other_section: Org
    institution: Org
    enterprise: Org
    enterprise2: Org
    other_enterprise: Org
    other_authority: Org
    office: User
    leader: User
    section_staff: User
    enterprise_staff: User
    tip_handler: User
    other_section_staff: User
    other_enterprise_staff: User
    other_office: User
    no_role: User

    def users_by_role(self) -> dict[str, User]:
        return {
            "office": self.office,
            "leader": self.leader,
            "section_staff": self.section_staff,
            "enterprise_staff": self.enterprise_staff,
            "tip_handler": self.tip_handler,
            "other_section_staff": self.other_section_staff,
            "other_enterprise_staff": self.other_enterprise_staff,
            "other_office": self.other_office,
            "no_role": self.no_role,
        }


def build_cast() -> Cast:
    from safetymonth.hazards.models import HazardCategory

    HazardCategory.ensure_defaults()  # seeded by a migration, gone after a transactional test's flush
    catering = IndustryFactory(code="catering", name="餐饮")
    commission = make_org("重庆市大渡口区商务委员会", OrgKind.AUTHORITY, short_name="区商务委")
    office_org = make_org("规划秩序科", OrgKind.SECTION, commission)
    # the two 安全生产责任科室 (the demo's flag); the campaign office 规划秩序科 is not one
    section = make_org(
        "市场运行科", OrgKind.SECTION, commission, contact_name="张三", phone="023-68083116", safety_responsible=True
    )
    other_section = make_org("商贸流通科", OrgKind.SECTION, commission, safety_responsible=True)
    institution = make_org("区商务发展服务中心", OrgKind.INSTITUTION, commission)
    enterprise = make_org(
        "大渡口示例加油站",
        OrgKind.ENTERPRISE,
        section,
        credit_code=credit_code(1),
        industry=catering,
        contact_name="李四",
        phone="13800138000",
        address="大渡口区春晖路1号",
    )
    enterprise2 = make_org("大渡口示例超市", OrgKind.ENTERPRISE, section)
    other_enterprise = make_org("大渡口示例餐馆", OrgKind.ENTERPRISE, other_section, credit_code=credit_code(2))
    other_authority = make_org("另一个区商务委员会", OrgKind.AUTHORITY)
    return Cast(
        commission=commission,
        office_org=office_org,
        section=section,
        other_section=other_section,
        institution=institution,
        enterprise=enterprise,
        enterprise2=enterprise2,
        other_enterprise=other_enterprise,
        other_authority=other_authority,
        office=make_user("office", commission, Role.OFFICE, full_name="秦轲"),
        leader=make_user("leader", commission, Role.LEADER),
        section_staff=make_user("section", section, Role.SECTION_STAFF),
        enterprise_staff=make_user("enterprise", enterprise, Role.ENTERPRISE_STAFF),
        tip_handler=make_user("tips", commission, Role.TIP_HANDLER),
        other_section_staff=make_user("other_section", other_section, Role.SECTION_STAFF),
        other_enterprise_staff=make_user("other_enterprise", other_enterprise, Role.ENTERPRISE_STAFF),
        other_office=make_user("other_office", other_authority, Role.OFFICE),
        no_role=make_user("norole", None, None),
    )


def grow_tree(parent: Org, *, sections: int, enterprises: int, prefix: str = "扩展") -> list[Org]:
    """Bulk-insert ``sections`` sections under ``parent``, each with ``enterprises`` enterprises (no
    signals: the reports they owe are made with ``create_expected_reports``). For tests that prove
    a page's query count does not grow with the tree. Returns the new sections."""
    made = Org.objects.bulk_create(
        [
            Org(name=f"{prefix}科室{i}", kind=OrgKind.SECTION, parent=parent, depth=parent.depth + 1, path=f"tmp-s{i}")
            for i in range(sections)
        ]
    )
    for org in made:
        org.path = parent.path + path_segment(org.pk)
    Org.objects.bulk_update(made, ["path"])
    firms = Org.objects.bulk_create(
        [
            Org(name=f"{s.name}企业{j}", kind=OrgKind.ENTERPRISE, parent=s, depth=s.depth + 1, path=f"tmp-{s.pk}-{j}")
            for s in made
            for j in range(enterprises)
        ]
    )
    for org in firms:
        org.path = org.parent.path + path_segment(org.pk)  # type: ignore[union-attr]
    Org.objects.bulk_update(firms, ["path"])
    return made
