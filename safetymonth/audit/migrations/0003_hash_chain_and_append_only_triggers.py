"""Chain the audit entries (each holds the SHA-256 of its content and of the previous entry's hash)
and make the database refuse UPDATE and DELETE on the audit table.

Existing entries are linked in id order from the genesis hash. The triggers let two things through:
setting actor_id or org_id to NULL and nothing else (Django's on_delete=SET_NULL when a user or an
org is deleted; both are outside the hash) and deletions through the sanctioned gate, used only by
archive_audit and flush (safetymonth/audit/gate.py): on PostgreSQL the transaction-local setting
safetymonth.audit_archive = 'on', on SQLite the one row of audit_archive_gate set to 1 inside the
deleting transaction. PostgreSQL also refuses TRUNCATE outside the gate.

On SQLite, a later migration that alters the audit table rebuilds it and drops these triggers: such a
migration must create them again (test_chain.py checks that they exist).
"""

import django.utils.timezone
from django.db import migrations, models

from safetymonth.lib.auditchain import GENESIS, content_of, entry_hash

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('safetymonth.audit_archive', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_setting('safetymonth.audit_archive', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'actor_id' - 'org_id') = (to_jsonb(OLD) - 'actor_id' - 'org_id')
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.org_id IS NULL OR NEW.org_id = OLD.org_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
CREATE TRIGGER audit_auditentry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditentry_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_append_only();
"""
# Every column but actor_id and org_id (those may only become NULL).
SQLITE_GUARDED_COLUMNS = (
    "id, public_id, at, actor_name, action, object_type, object_id, object_repr, org_path, ip, "
    "user_agent, summary, changes, prev_hash, chain_hash"
)
SQLITE_FORWARD = [
    "CREATE TABLE audit_archive_gate (open INTEGER NOT NULL)",
    "INSERT INTO audit_archive_gate (open) VALUES (0)",
    """CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
       WHEN (SELECT open FROM audit_archive_gate LIMIT 1) IS NOT 1
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END""",
    f"""CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE OF {SQLITE_GUARDED_COLUMNS} ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_auditentry_no_relink BEFORE UPDATE OF actor_id, org_id ON audit_auditentry
       WHEN (NEW.actor_id IS NOT NULL AND NEW.actor_id IS NOT OLD.actor_id)
         OR (NEW.org_id IS NOT NULL AND NEW.org_id IS NOT OLD.org_id)
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_relink",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
    "DROP TABLE IF EXISTS audit_archive_gate",
]


def link_existing_entries(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    prev, last_id = GENESIS, 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        digest = entry_hash(content_of(entry), prev)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, chain_hash=digest)
        prev, last_id = digest, entry.pk
    AuditChainHead.objects.create(pk=1, last_id=last_id, last_hash=prev)


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_FORWARD])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_BACKWARD])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_auditentry_public_id'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditArchive',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('before', models.DateTimeField()),
                ('first_id', models.BigIntegerField()),
                ('last_id', models.BigIntegerField()),
                ('count', models.PositiveIntegerField()),
                ('last_hash', models.CharField(max_length=64)),
                ('file_name', models.CharField(max_length=255)),
                ('file_sha256', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['-last_id'],
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='chain_hash',
            field=models.CharField(default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('login', '登录'), ('login_failed', '登录失败'), ('locked_out', '账号锁定'), ('logout', '退出'), ('create', '新建'), ('update', '修改'), ('delete', '删除'), ('import', '导入'), ('export', '导出'), ('password', '密码'), ('reveal', '查看身份'), ('archive', '归档')], max_length=20, verbose_name='操作'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='时间'),
        ),
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_id', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('anchor_id', models.BigIntegerField(default=0)),
                ('anchor_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='audit_chainhead_single_row')],
            },
        ),
        migrations.RunPython(link_existing_entries, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
