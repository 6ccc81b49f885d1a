"""Snapshots remember the currency of their capex (it was read as 万元 whatever it was).

Entries saved before this migration take the currency their lead has now: a lead's currency
is set at intake and hardly ever changes, so this is the best record there is; entries whose
lead is gone stay CNY (the field's default, as they were shown until now).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_leads(apps, schema_editor):
    Entry = apps.get_model("shortlists", "ShortlistEntry")
    Lead = apps.get_model("projects", "Lead")
    currency = Lead.objects.filter(pk=OuterRef("lead_id")).values("currency")[:1]
    Entry.objects.filter(lead__isnull=False).update(currency=Subquery(currency))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("shortlists", "0002_anchor_pull"),
    ]

    operations = [
        migrations.AddField(
            model_name="shortlistentry",
            name="currency",
            field=models.CharField(default="CNY", max_length=3),
        ),
        migrations.RunPython(fill_from_leads, migrations.RunPython.noop),
    ]
