"""Give every audit entry a random public id for its detail page's URL.

Three steps because existing rows each need their own value: add the column without the unique
constraint, fill it row by row, then make it unique. The historical model has no append-only guard,
so the fill is a plain update of the new column only.
"""

from django.db import migrations

import safetymonth.core.fields
import safetymonth.lib.ids


def fill_public_ids(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    from safetymonth.lib.ids import new_public_id

    for pk in AuditEntry.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        AuditEntry.objects.filter(pk=pk).update(public_id=new_public_id())


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="public_id",
            field=safetymonth.core.fields.PublicIdField(
                default=None, editable=False, max_length=16, null=True, unique=False
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="public_id",
            field=safetymonth.core.fields.PublicIdField(
                default=safetymonth.lib.ids.new_public_id, editable=False, max_length=16, unique=True
            ),
        ),
    ]
