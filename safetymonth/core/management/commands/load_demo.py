"""``manage.py load_demo``: the Dadukou District Commerce Commission, its sections, institutions and
40 supervised enterprises, and one demo account per role.

Idempotent: every record is looked up by a stable key (an org's name under its parent, an
enterprise's credit code, a username) and only created when missing, so running it again changes
nothing. The work is a list of steps (``STEPS``); adding demo data is one more step function.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.core.management.color import Style
from django.db import transaction
from django.utils.translation import gettext as _

from safetymonth.accounts.models import Membership, Role, User
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.campaigns.demo import load_demo_campaigns
from safetymonth.events.demo import load_demo_events
from safetymonth.evidence.demo import load_demo_materials
from safetymonth.hazards.demo import load_demo_hazards
from safetymonth.lib.uscc import ALPHABET, complete
from safetymonth.orgs.models import Industry, Org, OrgKind
from safetymonth.orgs.services import create_org
from safetymonth.tipoffs.demo import load_demo_tips

# The one password of every demo account (README lists it). It satisfies the password rules:
# 14 characters, lower case, upper case, digits and a symbol.
DEMO_PASSWORD = "Anquan@2021yue"  # noqa: S105

DIVISION = "500104"  # 重庆市大渡口区
COMMISSION_NAME = "重庆市大渡口区商务委员会"

# Same codes and names as the orgs app's data migration (an editable list; these are the defaults).
INDUSTRIES = [
    ("refined-oil", "成品油"),
    ("malls-supermarkets", "商场超市"),
    ("markets", "市场"),
    ("catering", "餐饮"),
    ("recycling", "再生资源回收"),
    ("logistics", "物流"),
    ("other", "其他"),
]

# (name, contact person, phone, 安全生产责任科室); 规划秩序科 is the campaign office (活动领导小组办公室)
# and, like 办公室, not one of the 安全生产责任科室 the notice asks to report.
SECTIONS = [
    ("办公室", "何丽", "023-68083101", False),
    ("规划秩序科", "秦睿", "023-68083116", False),
    ("市场运行科", "张敏", "023-68083125", True),
    ("商贸流通科", "罗斌", "023-68083132", True),
    ("外经外贸科", "吴倩", "023-68083138", True),
    ("电子商务科", "杨帆", "023-68083145", True),
    ("消费促进科", "唐璐", "023-68083151", True),
    ("服务业发展科", "邓涛", "023-68083157", True),
]

# (name, address, contact person, phone)
INSTITUTIONS = [
    ("重庆市大渡口区商务发展服务中心", "重庆市大渡口区文体路126号", "冉静", "023-68083170"),
    ("重庆市大渡口区酒类专卖管理所", "重庆市大渡口区松青路1029号", "黄伟", "023-68083176"),
    ("重庆市大渡口区成品油市场监管中心", "重庆市大渡口区钢城大道22号", "蒋勇", "023-68083182"),
]

# (name, industry code, supervising section, address, contact person); 40 enterprises, every industry.
ENTERPRISES = [
    # 市场运行科: refined oil and markets
    ("重庆渡口石油有限公司春晖路加油站", "refined-oil", "市场运行科", "春晖路街道春晖路88号", "李强"),
    ("重庆钢城能源有限公司八桥加油站", "refined-oil", "市场运行科", "八桥镇八桥路12号", "王海"),
    ("重庆渡口石油有限公司跳磴加油站", "refined-oil", "市场运行科", "跳磴镇跳磴路201号", "陈刚"),
    ("重庆长江石化有限公司茄子溪加油站", "refined-oil", "市场运行科", "茄子溪街道茄子溪路36号", "刘洋"),
    ("重庆渝西能源有限公司建胜加油站", "refined-oil", "市场运行科", "建胜镇建桥大道8号", "赵磊"),
    ("重庆钢城能源有限公司伏牛溪加油站", "refined-oil", "市场运行科", "新山村街道伏牛溪路66号", "孙鹏"),
    ("重庆长江石化有限公司双山加油站", "refined-oil", "市场运行科", "跃进村街道双山路15号", "周斌"),
    ("大渡口区九宫庙农贸市场", "markets", "市场运行科", "九宫庙街道松青路1188号", "吴芳"),
    ("大渡口区新山村农贸市场", "markets", "市场运行科", "新山村街道新山村正街45号", "郑霞"),
    ("大渡口区八桥农贸市场", "markets", "市场运行科", "八桥镇民安大道19号", "冯军"),
    ("重庆义渡农副产品批发市场有限公司", "markets", "市场运行科", "跳磴镇石林大道99号", "许杰"),
    ("大渡口区跃进村农贸市场", "markets", "市场运行科", "跃进村街道锦愉路7号", "何静"),
    ("重庆钢城建材市场管理有限公司", "markets", "市场运行科", "茄子溪街道钢城大道88号", "曹亮"),
    # 商贸流通科: shopping malls, supermarkets and recycling
    ("重庆大渡口万嘉购物广场有限公司", "malls-supermarkets", "商贸流通科", "九宫庙街道松青路1029号", "邓琳"),
    ("重庆渡口百货有限公司", "malls-supermarkets", "商贸流通科", "春晖路街道文体路126号", "彭勇"),
    ("重庆钢城生活超市有限公司九宫庙店", "malls-supermarkets", "商贸流通科", "九宫庙街道翠柏路66号", "蒋欣"),
    ("重庆渝邻佳超市有限公司春晖路店", "malls-supermarkets", "商贸流通科", "春晖路街道春晖路12号", "韩雪"),
    ("重庆跃进村购物中心有限公司", "malls-supermarkets", "商贸流通科", "跃进村街道跃进村路3号", "杨柳"),
    ("重庆百家福超市有限公司建胜店", "malls-supermarkets", "商贸流通科", "建胜镇建胜路56号", "朱峰"),
    ("重庆大渡口商业广场管理有限公司", "malls-supermarkets", "商贸流通科", "九宫庙街道金桥路9号", "秦岚"),
    ("重庆渡口再生资源回收有限公司", "recycling", "商贸流通科", "跳磴镇跳磴工业园6号", "尤伟"),
    ("重庆钢城废旧物资回收有限公司", "recycling", "商贸流通科", "建胜镇百花村21号", "施明"),
    ("重庆绿循再生资源有限公司", "recycling", "商贸流通科", "八桥镇钰鑫街33号", "姚丹"),
    ("大渡口区跳磴再生资源回收站", "recycling", "商贸流通科", "跳磴镇蜂窝坝路18号", "沈涛"),
    # 服务业发展科: catering
    ("重庆义渡老火锅餐饮有限公司", "catering", "服务业发展科", "春晖路街道文体路88号", "钱进"),
    ("重庆钢花食府餐饮管理有限公司", "catering", "服务业发展科", "新山村街道钢花路27号", "熊英"),
    ("重庆义渡江湖菜餐饮有限公司", "catering", "服务业发展科", "九宫庙街道松青路1300号", "金鑫"),
    ("大渡口区九宫庙小面馆", "catering", "服务业发展科", "九宫庙街道翠柏路12号", "陆平"),
    ("重庆双山酒楼有限公司", "catering", "服务业发展科", "跃进村街道双山路60号", "苏静"),
    ("重庆春晖团餐管理有限公司", "catering", "服务业发展科", "春晖路街道春晖路203号", "范雨"),
    ("重庆茄子溪烧烤餐饮有限公司", "catering", "服务业发展科", "茄子溪街道茄子溪正街9号", "潘越"),
    # 电子商务科: logistics
    ("重庆渡口物流有限公司", "logistics", "电子商务科", "建胜镇建桥工业园C区", "魏东"),
    ("重庆钢城仓储物流有限公司", "logistics", "电子商务科", "茄子溪街道钢城大道150号", "田浩"),
    ("重庆建胜快递分拨中心有限公司", "logistics", "电子商务科", "建胜镇建胜路208号", "任杰"),
    ("重庆义渡冷链物流有限公司", "logistics", "电子商务科", "跳磴镇石林大道168号", "汪洁"),
    ("重庆跳磴电商物流园管理有限公司", "logistics", "电子商务科", "跳磴镇跳磴路88号", "夏雷"),
    # 外经外贸科 and 消费促进科: other commerce
    ("重庆义渡进出口贸易有限公司", "other", "外经外贸科", "春晖路街道文体路52号", "邱红"),
    ("重庆钢城国际贸易有限公司", "other", "外经外贸科", "九宫庙街道新工街8号", "江涛"),
    ("重庆大渡口汽车销售服务有限公司", "other", "消费促进科", "八桥镇大堰路36号", "谭明"),
    ("重庆渡口家电销售有限公司", "other", "消费促进科", "九宫庙街道松青路1066号", "严华"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    org_name: str  # the commission, or a section / enterprise name
    phone: str


ACCOUNTS = [
    DemoAccount("office", "陈晓", Role.OFFICE, COMMISSION_NAME, "023-68083116"),
    DemoAccount("leader", "刘志远", Role.LEADER, COMMISSION_NAME, "023-68083100"),
    DemoAccount("section", "张敏", Role.SECTION_STAFF, "市场运行科", "023-68083125"),
    # three more 安全生产责任科室, so that the live campaign's reports stand in every state
    DemoAccount("section2", "罗斌", Role.SECTION_STAFF, "商贸流通科", "023-68083132"),
    DemoAccount("section3", "邓涛", Role.SECTION_STAFF, "服务业发展科", "023-68083157"),
    DemoAccount("section4", "杨帆", Role.SECTION_STAFF, "电子商务科", "023-68083145"),
    DemoAccount("enterprise", "李强", Role.ENTERPRISE_STAFF, "重庆渡口石油有限公司春晖路加油站", "13908361001"),
    DemoAccount("tips", "周婷", Role.TIP_HANDLER, COMMISSION_NAME, "023-68083119"),
]


def credit_code(org_type: str, name: str) -> str:
    """A valid credit code for a demo org, derived from its name so that it never changes.

    ``org_type`` is the first two characters: 11 for a government body, 12 for an institution
    (事业单位), 91 for a company."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:7])
    return complete(f"{org_type}{DIVISION}MA{body}")


def demo_phone(index: int) -> str:
    """A mobile number for the n-th enterprise contact (stable across runs)."""
    return f"13{index % 7 + 2}{(8302 + 37 * index) % 10000:04d}{1000 + index:04d}"


@dataclass
class Demo:
    """What the steps share: output, counters and the orgs made so far (by name)."""

    stdout: OutputWrapper
    style: Style
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    orgs: dict[str, Org] = field(default_factory=dict)
    industries: dict[str, Industry] = field(default_factory=dict)

    def org(self, *, kind: str, name: str, parent: Org | None, key: dict[str, Any], **fields: Any) -> Org:
        """The org found by ``key``, or a new one created through the orgs service."""
        found = Org.objects.filter(**key).first()
        if found is None:
            found = create_org(None, kind=kind, parent=parent, name=name, **fields)
            self.created[kind] += 1
        else:
            self.existing[kind] += 1
        self.orgs[name] = found
        return found


def load_industries(demo: Demo) -> None:
    for order, (code, name) in enumerate(INDUSTRIES, start=1):
        industry, created = Industry.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        (demo.created if created else demo.existing)["industry"] += 1
        demo.industries[code] = industry


def load_orgs(demo: Demo) -> None:
    commission = demo.org(
        kind=OrgKind.AUTHORITY,
        name=COMMISSION_NAME,
        parent=None,
        key={"name": COMMISSION_NAME, "parent__isnull": True, "kind": OrgKind.AUTHORITY},
        short_name="区商务委",
        credit_code=credit_code("11", COMMISSION_NAME),
        address="重庆市大渡口区文体路126号",
        contact_name="陈晓",
        phone="023-68083116",
    )
    for name, contact, phone, responsible in SECTIONS:
        section = demo.org(
            kind=OrgKind.SECTION,
            name=name,
            parent=commission,
            key={"name": name, "parent": commission},
            address="重庆市大渡口区文体路126号",
            contact_name=contact,
            phone=phone,
            safety_responsible=responsible,
        )
        if section.safety_responsible != responsible:  # a demo loaded before the flag existed
            Org.objects.filter(pk=section.pk).update(safety_responsible=responsible)
            section.safety_responsible = responsible
    for name, address, contact, phone in INSTITUTIONS:
        demo.org(
            kind=OrgKind.INSTITUTION,
            name=name,
            parent=commission,
            key={"name": name, "parent": commission},
            credit_code=credit_code("12", name),
            address=address,
            contact_name=contact,
            phone=phone,
        )
    for index, (name, industry, section, address, contact) in enumerate(ENTERPRISES, start=1):
        code = credit_code("91", name)
        demo.org(
            kind=OrgKind.ENTERPRISE,
            name=name,
            parent=demo.orgs[section],
            key={"credit_code": code},
            credit_code=code,
            industry=demo.industries[industry],
            address=f"重庆市大渡口区{address}",
            contact_name=contact,
            phone=demo_phone(index),
        )


def load_accounts(demo: Demo) -> None:
    # The accounts service (create_user) needs an acting office user and forces a password change at
    # the first login; demo accounts keep the documented password, so they are made here, with the
    # same model rules (the role fits the org kind) and one audit entry per account or new role.
    for account in ACCOUNTS:
        org = demo.orgs[account.org_name]
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if user is None:
            user = User(username=account.username, full_name=account.full_name, phone=account.phone)
            validate_password(DEMO_PASSWORD, user)
            user.set_password(DEMO_PASSWORD)
            user.full_clean(exclude=["password"])
            user.save()
            demo.created["user"] += 1
        else:
            demo.existing["user"] += 1
        if Membership.objects.filter(user=user, org=org, role=account.role).exists():
            continue
        membership = Membership(user=user, org=org, role=account.role)
        membership.full_clean()
        membership.save()
        log_event(
            None,
            AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            user,
            org=org,
            summary=_("演示数据"),
            changes={"username": [None, user.username], "membership": [None, f"{org.name} · {account.role}"]},
        )


# Each step takes the shared Demo and adds its part. A new kind of demo data is one more line here.
STEPS: list[Callable[[Demo], None]] = [
    load_industries,
    load_orgs,
    load_accounts,
    load_demo_campaigns,
    load_demo_events,
    load_demo_materials,
    load_demo_hazards,
    load_demo_tips,
]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table() -> list[str]:
    """The demo accounts as aligned text lines (username, name, role, org, password)."""
    header = [_("用户名"), _("姓名"), _("角色"), _("单位"), _("密码")]
    rows = [[a.username, a.full_name, str(Role(a.role).label), a.org_name, DEMO_PASSWORD] for a in ACCOUNTS]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    head = "  ".join(_pad(cell, w) for cell, w in zip(header, widths, strict=True)).rstrip()
    return [head, rule, *lines]


class Command(BaseCommand):
    help = "Load the demo data (Dadukou commission, sections, enterprises, one account per role)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with SAFETYMONTH_ENV=production (a training installation): the demo accounts "
            "have a published password.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                _(
                    "这是生产环境（SAFETYMONTH_ENV=production）：演示账号的密码是公开的，拒绝载入演示数据。"
                    "确需载入（例如培训用的安装）时加 --force。"
                )
            )
        demo = Demo(stdout=self.stdout, style=self.style)
        with transaction.atomic():
            for step in STEPS:
                step(demo)
        if options["verbosity"] < 1:
            return
        made = ", ".join(f"{kind} {n}" for kind, n in sorted(demo.created.items())) or "-"
        kept = ", ".join(f"{kind} {n}" for kind, n in sorted(demo.existing.items())) or "-"
        self.stdout.write(_("演示数据已就绪。新建：%(made)s；已存在：%(kept)s") % {"made": made, "kept": kept})
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("演示账号（登录地址 /accounts/login/）")))
        for line in accounts_table():
            self.stdout.write(line)
        self.stdout.write("")
