"""Room on every page of the stored scores for updates in place (issue 17).

A recompute moves the version stamps of every score it keeps (a region edit: ~3,300 rows at
national scale) and rewrites the changed ones. With full pages each such update writes a new
row version elsewhere and a new entry into every index of the table (five, and the key). With
room left on the page PostgreSQL updates in place (a HOT update) when no indexed column
changes, which is what a stamp update is. Existing pages get the room when the table is next
rewritten (VACUUM FULL, or a restore); new pages at once. PostgreSQL only.
"""

from django.db import migrations

FILLFACTOR = 80


def set_fillfactor(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE screening_leadscore SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE screening_leadscore RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("screening", "0010_i18n_model_labels")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
