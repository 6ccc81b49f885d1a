"""The data upload (admins; a regional admin uploads their own regions' rows only): a bundle's
dry run, then the import with its progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.interchange.importer import import_bundle
from projects.interchange.uploads import (
    TOKEN,
    UPLOAD_MAX_AGE_SECONDS,
    UPLOAD_SUFFIXES,
    check_upload_size,
    discard_upload,
    progress_key,
    store_upload,
    stored_upload,
)
from projects.views.runs import still_running
from screening.access import Role, admin_region_codes
from screening.models import ScoreRun
from screening.web import role_required


class UploadForm(forms.Form):
    file = forms.FileField(label=_("数据文件（.zip、.xlsx 或 .csv）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = f"{settings.UPLOAD_MAX_BYTES / 1_000_000:g}"
        self.fields["file"].help_text = _("不超过 %(limit)s MB。") % {"limit": limit}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(
                _("请上传 CSV 文件的 .zip 压缩包、.xlsx 工作簿或单个 .csv 文件。")
            )
        check_upload_size(upload)
        return upload


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN, Role.REGIONAL_ADMIN)
def data_upload(request: HttpRequest) -> HttpResponse:
    """Upload a bundle and see the dry run: every problem by file, row and column, or counts."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            token = store_upload(form.cleaned_data["file"])
        except ValidationError as exc:  # larger than it said
            form.add_error("file", exc)
            return render(request, "regions/upload.html", {"form": form})
        report = import_bundle(
            stored_upload(token), dry_run=True, regions=admin_region_codes(request.user)
        )
        if not report.ok:  # nothing to confirm: the file goes at once
            discard_upload(stored_upload(token))
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
@role_required(Role.ADMIN, Role.REGIONAL_ADMIN)
def data_upload_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import for real; the page polls `data_upload_progress` meanwhile."""
    path = stored_upload(token)
    started = timezone.now()
    state = cache.get(progress_key(token)) or {"total": 0, "done": 0}

    def progress(table: str, phase: str, rows_done: int) -> None:
        offset = state["total"] if phase == "write" else 0
        cache.set(progress_key(token), state | {"done": offset + rows_done}, UPLOAD_MAX_AGE_SECONDS)

    report = import_bundle(  # recorded in the audit trail under the upload's token
        path,
        dry_run=False,
        progress=progress,
        regions=admin_region_codes(request.user),
        batch=token,
    )
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
@role_required(Role.ADMIN, Role.REGIONAL_ADMIN)
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
