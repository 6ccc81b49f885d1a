"""The article's landmark projects as the demo scores them: the table a Shandong officer reads.

    DEBUG=1 .venv/bin/python manage.py migrate && DEBUG=1 .venv/bin/python manage.py loaddemo
    DEBUG=1 .venv/bin/python bench/demo_landmarks.py [--lang zh|en]

Reads the database the demo was loaded into (DATABASE_URL, default db.sqlite3) and prints, per
landmark lead (external_id ART-*): its sub-scores and total, its rank among the leads of its
host city (by stored total, 1 = best), the host city's rank in "where else" (with the cities
within the noise band of the best), the three related industries its explanation names first,
and the cluster it strengthens. Nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")

import django

django.setup()

from projects.models import Lead  # noqa: E402
from projects.views.scorecard import fit_elsewhere  # noqa: E402
from screening.models import LeadScore  # noqa: E402
from screening.services.explanations import explanation_for  # noqa: E402


def host_rank(lead: Lead) -> tuple[int, int]:
    """(rank of the lead among its host region's scored leads by total, number of them)."""
    totals = list(
        LeadScore.objects.filter(lead__region_id=lead.region_id).values_list("lead_id", "total")
    )
    ordered = sorted(totals, key=lambda row: (-row[1], row[0]))
    return [lead_id for lead_id, _ in ordered].index(lead.pk) + 1, len(ordered)


def elsewhere(lead: Lead) -> str:
    """The host's rank among the sibling cities, its rank range, and who is within the noise."""
    places = fit_elsewhere(lead)
    rank = next(i for i, p in enumerate(places, start=1) if p.is_target)
    host, best = places[rank - 1], places[0]
    close = [p.region.name_en for p in places if p.could_be_best and p is not host]
    text = (
        f"{rank} of {len(places)}, range {host.band_low}-{host.band_high} "
        f"(host {host.total:.0f}, best {best.region.name_en} {best.total:.0f})"
    )
    return text + (f"; could also be best: {', '.join(close)}" if close else "")


def related(explanation: dict, lang: str) -> str:
    items = explanation["local_fit"]["related_present"][:3]
    key = "name_zh" if lang == "zh" else "name_en"
    return "; ".join(f"{item[key]} {item['phi']:.2f}" for item in items) or "none"


def cluster(explanation: dict, lang: str) -> str:
    key = "name_zh" if lang == "zh" else "name_en"
    chosen = [c for c in explanation["clusters"] if c["chosen"]]
    if not chosen:
        return "none"
    c = chosen[0]
    how = "member" if c["member"] else f"phi {c['relatedness']:.2f}"
    return f"{c[key]} ({how}, strength {c['strength']})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["zh", "en"], default="en")
    args = parser.parse_args(argv)
    leads = Lead.objects.filter(external_id__startswith="ART-").select_related(
        "region", "industry", "score"
    )
    print(
        "| project | host | local | chain | cluster | total | conf | rank in host | "
        "host in where-else | related (first three) | cluster strengthened |"
    )
    print("|---" * 11 + "|")
    for lead in leads.order_by("external_id"):
        explanation = explanation_for(lead) or {}
        score = lead.score
        rank, n = host_rank(lead)
        print(
            f"| {lead.company} | {lead.region.name_en} | {score.local_fit:.0f} | "
            f"{score.chain_completion:.0f} | {score.cluster_strength:.0f} | {score.total:.0f} | "
            f"{score.confidence:.2f} | {rank} of {n} | {elsewhere(lead)} | "
            f"{related(explanation, args.lang)} | {cluster(explanation, args.lang)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
