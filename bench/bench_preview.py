"""The editor's impact preview on PostgreSQL: a region with about 10,000 leads in a 300 ×
1,000 world (bench/synth.py), a cluster edit and an endowment edit, previewed without writing.

Prints, best and median of `--repeat` runs, the whole preview (`region_edit_impact`: the draft
World, reading the region's leads, scoring them before and after, movers and the shortlist)
and its parts timed separately. The process's World is warm (built once beforehand, as in a
web worker that has served a page since the last data change); the cold build is printed too.
Exits 1 if the median preview of either edit exceeds 1 s.

    DEBUG=1 .venv/bin/python bench/bench_preview.py [--leads 100000] [--repeat 7]
        [--database xs_bench_preview] [--reuse]

Needs PostgreSQL (127.0.0.1, user postgres); it drops and creates the database it is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.synth import create_bench_database, load_leads, load_world, reuse_database  # noqa: E402

HOT_REGION = 2  # bench.synth sends `hot_share` of the leads here
TARGET_SECONDS = 1.0


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def show(label: str, times: list[float]) -> None:
    print(f"  {label:<44} best {min(times):6.3f} s   median {statistics.median(times):6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000, help="leads in the whole world")
    parser.add_argument("--hot-share", type=float, default=0.097, help="share in the hot region")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database", default="xs_bench_preview")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()
    url = reuse_database(args.database) if args.reuse else create_bench_database(args.database)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="screening.config.settings")
    import django

    django.setup()
    if not args.reuse:
        started = time.perf_counter()
        load_world()
        load_leads(args.leads, hot_share=args.hot_share)
        print(f"setup: world + {args.leads:,} leads in {time.perf_counter() - started:.1f} s")
    with open("/proc/loadavg") as f:
        print(f"load average: {f.read().split()[0]} (2 vCPU shared with other work)")
    failed = [edit(name, draft, args.repeat) for name, draft in drafts()]
    failed.append(whole_request(args.repeat))
    sys.exit(1 if any(failed) else 0)


def drafts() -> list[tuple[str, object]]:
    """A cluster edit (one industry added to a cluster of the hot region) and an endowment
    edit (the hot region's port flips, and it gains a factor no region had)."""
    from projects.models import Lead
    from regions.models import Cluster, Endowment, Industry
    from screening.world import RegionDraft

    leads = Lead.objects.filter(region_id=HOT_REGION).count()
    print(f"region {HOT_REGION}: {leads:,} leads")
    cluster = Cluster.objects.filter(region_id=HOT_REGION).order_by("pk").first()
    assert cluster is not None
    members = list(cluster.members.values_list("industry_id", "role"))
    taken = {industry for industry, _role in members}
    extra = Industry.objects.exclude(pk__in=taken).order_by("pk").values_list("pk", flat=True)[0]
    cluster_draft = RegionDraft(
        region_id=HOT_REGION,
        cluster_id=cluster.pk,
        cluster_names=(cluster.code, cluster.name, cluster.name_en),
        members=(*members, (extra, "support")),
    )
    rows = dict(Endowment.objects.filter(region_id=HOT_REGION).values_list("factor", "value"))
    rows |= {"port": 1.0 - (rows.get("port") or 0.0), "bench_new_factor": 1.0}  # port flips
    endowment_draft = RegionDraft(region_id=HOT_REGION, endowments=tuple(rows.items()))
    return [("cluster edit (a member added)", cluster_draft), ("endowment edit", endowment_draft)]


def edit(name: str, draft: object, repeat: int) -> bool:
    """Time the preview and its parts; True if the target is missed."""
    from projects.models import Lead
    from screening.selectors.batches import read_lead_rows, rows_for_world
    from screening.services.impact import region_edit_impact
    from screening.services.scores import compute_rows
    from screening.world import RegionDraft, current_world, forget_world, load_world

    assert isinstance(draft, RegionDraft)
    forget_world()
    started = time.perf_counter()
    loaded = current_world()
    cold = time.perf_counter() - started
    print(f"\n{name}\n  {'cold World build (once per data version)':<44} {cold:6.3f} s")
    impact = region_edit_impact(draft)  # warm-up: imports, first queries
    moved = f"movers up {len(impact.up)}, down {len(impact.down)}"
    print(f"  {impact.leads:,} leads scored, {impact.changed:,} change; {moved}")
    whole = timed(lambda: region_edit_impact(draft), repeat)
    show("whole preview (region_edit_impact)", whole)
    show(
        "  draft World (load_world, measures reused)",
        timed(lambda: load_world(loaded.version, previous=loaded, draft=draft), repeat),
    )
    ids = list(Lead.objects.filter(region_id=draft.region_id).values_list("pk", flat=True))
    show("  read the region's leads", timed(lambda: read_lead_rows(ids, loaded), repeat))
    rows = read_lead_rows(ids, loaded)
    edited = load_world(loaded.version, previous=loaded, draft=draft)
    show(
        "  score before + after (compute_rows x 2)",
        timed(
            lambda: (
                compute_rows(rows, loaded),
                compute_rows(rows_for_world(rows, edited, read_for=loaded), edited),
            ),
            repeat,
        ),
    )
    median = statistics.median(whole)
    verdict = "ok" if median <= TARGET_SECONDS else "MISSED"
    print(f"  target: median <= {TARGET_SECONDS:.1f} s -> {verdict}")
    return median > TARGET_SECONDS


def whole_request(repeat: int) -> bool:
    """The browser's preview request end to end (Django test client, htmx): the cluster edit
    above, posted as the editor posts it, answered with the re-rendered editor."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from regions.models import Cluster, Industry

    user, _ = User.objects.get_or_create(username="bench_admin", defaults={"is_superuser": True})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    cluster = Cluster.objects.filter(region_id=HOT_REGION).order_by("pk").first()
    assert cluster is not None
    members = list(cluster.members.values_list("industry_id", "role"))
    extra = Industry.objects.exclude(pk__in=[i for i, _ in members]).order_by("pk")[0].pk
    data: dict[str, object] = {"listed": "1", "name": cluster.name, "name_en": cluster.name_en}
    keys = []
    for n, (industry, role) in enumerate([*members, (extra, "support")]):
        keys.append(f"k{n}")
        data |= {f"member-k{n}-industry": str(industry), f"member-k{n}-role": role}
    data["member"] = keys
    url = reverse("cluster_preview", args=[cluster.pk])

    def post() -> None:
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b'id="impact"' in response.content

    post()
    print("\nthe preview request (POST /clusters/<id>/preview/, editor re-rendered)")
    times = timed(post, repeat)
    show("whole request", times)
    median = statistics.median(times)
    verdict = "ok" if median <= TARGET_SECONDS else "MISSED"
    print(f"  target: median <= {TARGET_SECONDS:.1f} s -> {verdict}")
    return median > TARGET_SECONDS


if __name__ == "__main__":
    main()
