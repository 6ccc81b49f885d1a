"""`manage.py loaddemo [--seed N] [--leads N]`: the Shandong demo data and demo users.

Idempotent: the demo files and the generated leads (same seed, same rows) go through
`import_bundle` like any import, so a second run finds every row unchanged; users, groups and
officer regions are only created when missing. Demo users have a published password, so the
command refuses to run with DEBUG off unless told otherwise.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from projects.demo.generate import (
    BASELINE_NOTE,
    BASELINE_YEAR,
    DATA_DIR,
    DEFAULT_SEED,
    generate_leads,
    write_leads_csv,
)
from projects.demo.outcomes import is_decided, pending_row
from projects.interchange.importer import import_bundle
from projects.interchange.lead_format import BUNDLE_TABLES
from projects.models import Lead
from regions.interchange.progress import terminal_progress
from regions.interchange.report import ImportReport
from regions.models import OfficerRegion, Region
from regions.services import set_scoring_baseline
from regions.vintages import scoring_baseline

DEMO_PASSWORD = "xuanshang-demo"  # noqa: S105 (demo users only, created by this command)
# username → (group, superuser, region code the user works for)
DEMO_USERS: dict[str, tuple[str, bool, str | None]] = {
    "admin": ("admin", True, None),
    "manager": ("manager", False, None),
    "officer_jinan": ("officer", False, "SD-JN"),
    "officer_qingdao": ("officer", False, "SD-QD"),
    "admin_zaozhuang": ("regional_admin", False, "SD-ZZ"),  # edits Zaozhuang's data only
}


class Command(BaseCommand):
    help = "Load the Shandong demo data, generated leads and demo users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"seed of the generated leads (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--leads", type=int, default=2000, help="number of generated leads (default 2000)"
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="create the demo users even though DEBUG is off",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "loaddemo creates users with a published password; refusing "
                "with DEBUG off (pass --allow-without-debug on a demo server)"
            )
        with tempfile.TemporaryDirectory() as folder:
            self._import("demo files", self._demo_tables(Path(folder) / "demo"))
            self._baseline()
            path = Path(folder) / "leads.csv"
            rows = generate_leads(seed=options["seed"], count=options["leads"])
            write_leads_csv(path, rows_to_import(list(rows)))
            self._import(f"{options['leads']} generated leads", path)
        self._users()
        if "rescore" in get_commands():
            call_command("rescore", "--all", stdout=self.stdout)
        if "demo_outcomes" in get_commands():  # outcomes are drawn from the scores
            seed, leads = str(options["seed"]), str(options["leads"])
            call_command("demo_outcomes", "--seed", seed, "--leads", leads, stdout=self.stdout)

    def _demo_tables(self, folder: Path) -> Path:
        for name in copy_demo_tables(folder):
            self.stdout.write(f"skipped {name}: not an interchange table")
        return folder

    def _baseline(self) -> None:
        """Score against the demo's pre-project vintage (set once; a re-run changes nothing)."""
        if scoring_baseline().year != BASELINE_YEAR:
            set_scoring_baseline(year=BASELINE_YEAR, note=BASELINE_NOTE)
        self.stdout.write(f"scoring baseline: region data of {BASELINE_YEAR} ({BASELINE_NOTE})")

    def _import(self, what: str, path: Path) -> None:
        progress = terminal_progress()
        report = import_bundle(path, dry_run=False, progress=progress)
        if not report.ok:
            self.stderr.write(report.as_text())
            raise CommandError(f"the {what} did not import; nothing of them was written")
        self.stdout.write(f"{what}: {_summary(report)}")

    def _users(self) -> None:
        created = ensure_demo_users()
        self.stdout.write(
            f"demo users: {', '.join(created) + ' created' if created else 'unchanged'}"
        )
        for username, (group, _superuser, region) in DEMO_USERS.items():
            where = f", region {region}" if region else ""
            self.stdout.write(f"  {username} / {DEMO_PASSWORD}  ({group}{where})")
        self.stdout.write(
            self.style.WARNING(
                "These are demo credentials with a published password: never use them on a server "
                "that holds real data."
            )
        )


def _summary(report: ImportReport) -> str:
    changed = {name: counts for name, counts in report.counts.items() if counts.changed}
    if not changed:
        return "unchanged"
    return "; ".join(
        f"{name} {counts.created} created, {counts.updated} updated"
        for name, counts in changed.items()
    )


def rows_to_import(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Generated rows as they are imported: a decided lead waits, still open, for the outcome
    `demo_outcomes` draws from its score; a lead already loaded keeps its stage and status
    (its outcome was drawn on the first run), so a second run changes nothing."""
    stored = {
        external_id: (stage, status, reason)
        for external_id, stage, status, reason in Lead.objects.filter(
            external_id__in=[row["external_id"] for row in rows]
        ).values_list("external_id", "stage", "status", "status_reason")
    }
    out = []
    for row in rows:
        if row["external_id"] in stored:
            stage, status, reason = stored[row["external_id"]]
            out.append({**row, "stage": stage, "status": status, "status_reason": reason})
        else:
            out.append(pending_row(row) if is_decided(row) else row)
    return out


def copy_demo_tables(folder: Path) -> list[str]:
    """Copy the demo folder's interchange tables into `folder` (created); returns the names of
    the other CSV files there (analysts' derived tables), which are not copied."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {table.filename for table in BUNDLE_TABLES.values()}
    skipped = []
    for path in sorted(DATA_DIR.glob("*.csv")):
        if path.name in names:
            shutil.copyfile(path, folder / path.name)
        else:
            skipped.append(path.name)
    return skipped


@transaction.atomic
def ensure_demo_users() -> list[str]:
    """Create the demo groups, users and officer regions that are missing; returns new users.

    An existing user is left as it is (its password too), so re-running changes nothing.
    """
    created = []
    for username, (group_name, superuser, region_code) in DEMO_USERS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_staff=superuser, is_superuser=superuser)
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(username)
        user.groups.add(group)
        if region_code:
            region = Region.objects.get(code=region_code)
            OfficerRegion.objects.get_or_create(user=user, region=region)
    return created
