"""The shared data version row and the default scoring profile every installation starts with."""

from django.db import migrations


def create_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    DataVersion = apps.get_model("screening", "DataVersion")
    ScoringProfile = apps.get_model("screening", "ScoringProfile")
    DataVersion.objects.get_or_create(pk=1, defaults={"measures_version": 1})
    if not ScoringProfile.objects.filter(is_active=True, region__isnull=True).exists():
        ScoringProfile.objects.create(
            name="balanced",
            version=1,
            local_fit=0.4,
            chain_completion=0.3,
            cluster_strength=0.3,
            is_active=True,
            reason="Default profile: balanced weights (docs/scoring.md).",
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
