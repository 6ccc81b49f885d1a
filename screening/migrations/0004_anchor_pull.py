"""Anchor pull: the two parts of cluster strengthening on stored scores, the profiles' mix.

Scores stored before this migration have no pull (NULL parts) and a cluster score computed
without it. Bumping the shared measures version makes every one of them stale, so the
periodic sweep (screening.tasks.rescore_stale, every SCORE_SWEEP_SECONDS) recomputes them all
after the deploy as one score run ("stale scores" on /runs/); `manage.py rescore --all` does
the same at once. Until then pages show the old scores marked as being recomputed.
"""

from django.db import migrations, models
from django.db.models import F


def mark_every_score_stale(apps, schema_editor):  # type: ignore[no-untyped-def]
    DataVersion = apps.get_model("screening", "DataVersion")
    if not DataVersion.objects.filter(pk=1).update(measures_version=F("measures_version") + 1):
        DataVersion.objects.create(pk=1, measures_version=2)


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_fewer_score_indexes")]

    operations = [
        migrations.AddField(
            model_name="leadscore", name="strengthen", field=models.FloatField(null=True)
        ),
        migrations.AddField(model_name="leadscore", name="pull", field=models.FloatField(null=True)),
        migrations.AddField(
            model_name="scorehistory", name="strengthen", field=models.FloatField(null=True)
        ),
        migrations.AddField(
            model_name="scorehistory", name="pull", field=models.FloatField(null=True)
        ),
        migrations.AddField(
            model_name="scoringprofile",
            name="pull_share",
            field=models.FloatField(
                default=0.5,
                help_text="0–1; the rest is strengthening an existing cluster.",
                verbose_name="share of anchor pull in cluster strengthening",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(("pull_share__gte", 0), ("pull_share__lte", 1)),
                name="profile_pull_share_0_1",
            ),
        ),
        migrations.RunPython(mark_every_score_stale, migrations.RunPython.noop),
    ]
