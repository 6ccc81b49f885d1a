"""Regions' pages: cluster list and profile (all roles), data upload with dry run (admins)."""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.models import Status
from projects.views.common import role_required
from projects.views.runs import still_running
from regions.interchange.importer import import_bundle
from regions.models import Cluster
from regions.profile import cluster_profile, leads_pulling_gaps
from screening.access import Role, descendants_and_self, visible_leads
from screening.models import ScoreRun
from screening.world import current_world

GAP_LEADS = 20
UPLOAD_SUFFIXES = {".zip", ".xlsx", ".csv"}
UPLOAD_MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@require_GET
@role_required()
def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = Cluster.objects.select_related("region").order_by("region__code", "code")
    return render(request, "regions/cluster_list.html", {"clusters": clusters})


@require_GET
@role_required()
def cluster_profile_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The cluster's industries, the chain around it, and the visible leads filling its gaps."""
    cluster = get_object_or_404(Cluster.objects.select_related("region"), pk=pk)
    loaded = current_world()
    profile = cluster_profile(loaded, cluster)
    in_region = visible_leads(request.user).filter(
        status=Status.ACTIVE, region_id__in=descendants_and_self([cluster.region_id])
    )
    leads = (
        in_region.filter(industry_id__in=profile.gap_industry_ids)
        .select_related("score", "industry", "region")
        .defer("score__explanation")
        .order_by("-score__total", "-pk")[:GAP_LEADS]
    )
    return render(
        request,
        "regions/cluster_profile.html",
        {
            "cluster": cluster,
            "profile": profile,
            "leads": list(leads),
            "pulling": leads_pulling_gaps(loaded, profile, in_region, GAP_LEADS),
            "anchors": list(cluster.anchors.order_by("name")),
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("数据文件（.zip 或 .xlsx）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("请上传 CSV 文件的 .zip 压缩包或 .xlsx 工作簿。"))
        return upload


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def store_upload(upload: Any) -> str:
    """Keep the uploaded file until it is confirmed; returns its token. Old uploads are removed."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if time.time() - old.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
            shutil.rmtree(old) if old.is_dir() else old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    suffix = Path(upload.name).suffix.lower()
    if suffix == ".csv":
        # One CSV is one table, named by its file name: keep the name, in a folder per token.
        target = folder / token / SAFE_NAME.sub("_", Path(upload.name).name)
        target.parent.mkdir()
    else:
        target = folder / f"{token}{suffix}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def stored_upload(token: str) -> Path:
    """The stored file of a token (404 for a malformed, unknown or expired token)."""
    if not TOKEN.match(token):
        raise Http404
    if (upload_dir() / token).is_dir():
        return upload_dir() / token
    for suffix in UPLOAD_SUFFIXES:
        path = upload_dir() / f"{token}{suffix}"
        if path.exists():
            return path
    raise Http404


def discard_upload(path: Path) -> None:
    """Remove a stored upload (a file, or the folder holding one uploaded CSV)."""
    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def progress_key(token: str) -> str:
    return f"xs-import-progress:{token}"


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def data_upload(request: HttpRequest) -> HttpResponse:
    """Upload a bundle and see the dry run: every problem by file, row and column, or counts."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = store_upload(form.cleaned_data["file"])
        report = import_bundle(stored_upload(token), dry_run=True)
        leads = report.counts.get("leads")
        total = (leads.created + leads.updated + leads.unchanged) if leads else 0
        cache.set(progress_key(token), {"total": total, "done": 0}, UPLOAD_MAX_AGE_SECONDS)
        return render(
            request,
            "regions/upload_report.html",
            {
                "report": report,
                "token": token,
                "name": form.cleaned_data["file"].name,
            },
        )
    return render(request, "regions/upload.html", {"form": form})


@require_POST
@role_required(Role.ADMIN)
def data_upload_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import for real; the page polls `data_upload_progress` meanwhile."""
    path = stored_upload(token)
    started = timezone.now()
    state = cache.get(progress_key(token)) or {"total": 0, "done": 0}

    def progress(table: str, phase: str, rows_done: int) -> None:
        offset = state["total"] if phase == "write" else 0
        cache.set(progress_key(token), state | {"done": offset + rows_done}, UPLOAD_MAX_AGE_SECONDS)

    report = import_bundle(path, dry_run=False, progress=progress)
    discard_upload(path)
    cache.set(progress_key(token), state | {"done": 2 * state["total"], "finished": True}, 60)
    runs = list(ScoreRun.objects.filter(created_at__gte=started).order_by("created_at"))
    template = "regions/_upload_done_body.html" if request.htmx else "regions/upload_done.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "report": report,
            "runs": runs,
            "since": started.isoformat(),
            "polling": report.ok and still_running(runs, started),
        },
    )


@require_GET
@role_required(Role.ADMIN)
def data_upload_progress(request: HttpRequest, token: str) -> HttpResponse:
    if not TOKEN.match(token):
        raise Http404
    state = cache.get(progress_key(token)) or {"total": 0, "done": 0}
    steps = 2 * state["total"]
    percent = 100 if state.get("finished") else (round(100 * state["done"] / steps) if steps else 0)
    return render(
        request,
        "regions/_upload_progress.html",
        {"token": token, "percent": min(percent, 100), "state": state},
    )
