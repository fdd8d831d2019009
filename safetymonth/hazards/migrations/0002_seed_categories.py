"""The hazard categories for commerce (消防, 用电, …): a configurable list, seeded once."""

from django.db import migrations

CATEGORIES = [
    ("fire", "消防"),
    ("electric", "用电"),
    ("gas", "燃气"),
    ("fuel", "成品油储存与加注"),
    ("special-equipment", "特种设备"),
    ("confined-space", "有限空间"),
    ("chemicals", "危险化学品"),
    ("building", "建筑与结构"),
    ("evacuation", "疏散通道与出口"),
    ("food-machinery", "食品加工设备"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    HazardCategory = apps.get_model("hazards", "HazardCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        HazardCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_hazards")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
