"""Seed the editable industry list (所属行业) with the industries named in the 2021 notice.

Existing rows with the same code are left as the office edited them."""

from django.db import migrations

INDUSTRIES = [
    ("refined-oil", "成品油"),
    ("malls-supermarkets", "商场超市"),
    ("markets", "市场"),
    ("catering", "餐饮"),
    ("recycling", "再生资源回收"),
    ("logistics", "物流"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    Industry = apps.get_model("orgs", "Industry")
    for order, (code, name) in enumerate(INDUSTRIES, start=1):
        if Industry.objects.filter(code=code).exists() or Industry.objects.filter(name=name).exists():
            continue
        Industry.objects.create(code=code, name=name, sort_order=order * 10, is_active=True)


def unseed(apps, schema_editor):
    Industry = apps.get_model("orgs", "Industry")
    Industry.objects.filter(code__in=[code for code, _name in INDUSTRIES], orgs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_org_parent_path_index"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
