"""Uploads with limits (issue 14, finding 5): the file's size, what a .zip or .xlsx inflates to
and how many members it has, an .xlsx's rows; refused quickly, and refused files not kept."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from projects.interchange.importer import import_bundle
from projects.interchange.uploads import upload_dir
from regions.models import Endowment
from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db
GOOD = "region_code,factor,value,source\nSD-ZZ,rail,1,test\n"
BAD = "region_code,factor,value,source\nSD-XX,rail,1,test\n"
GIB = 1 << 30


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A few MB of .zip holding one leads.csv that inflates to 1 GiB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("leads.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"external_id,company\n")
        zeros = b"0" * (1 << 20)
        for _ in range(GIB // len(zeros)):
            member.write(zeros)
    return path.read_bytes()


def upload(client: APIClient, content: bytes, name: str) -> Any:
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(f"{V1}/imports/", {"file": file}, format="multipart")


def kept_uploads() -> list[Path]:
    folder = upload_dir()
    return list(folder.iterdir()) if folder.exists() else []


def zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_at_once(world: World, api: Api, zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 10_000_000

    started = time.monotonic()
    response = upload(api("admin"), zip_bomb, "bundle.zip")
    elapsed = time.monotonic() - started

    assert elapsed < 5, elapsed  # not decompressed (it took over 60 s)
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["ok"]) == ("invalid", False)
    assert "inflate to 1,073.7 MB, the limit is 500.0 MB" in body["errors"][0]["reason"]
    assert kept_uploads() == []


def test_the_command_line_import_refuses_it_as_fast(
    tmp_path: Path, db: None, zip_bomb: bytes
) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(zip_bomb)
    started = time.monotonic()

    report = import_bundle(path, dry_run=True)

    assert time.monotonic() - started < 2
    assert not report.ok and "would inflate to" in report.errors[0].reason


def test_an_upload_over_the_size_limit_is_refused_on_the_file_field(
    world: World, api: Api, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1_000
    response = upload(api("admin"), GOOD.encode() + b"SD-WH,rail,1,padding\n" * 60, "e.csv")
    assert response.status_code == 400
    assert "0.001 MB" in error_of(response)["fields"]["file"][0]  # the limit, in the message
    assert kept_uploads() == []


def test_the_default_limit_is_50_mb(world: World, api: Api) -> None:
    assert settings.UPLOAD_MAX_BYTES == 50_000_000
    response = upload(api("admin"), b"x" * 50_000_001, "endowments.csv")
    assert response.status_code == 400
    assert "file" in error_of(response)["fields"]


def test_a_zip_with_too_many_members_is_refused(world: World, api: Api, settings: Any) -> None:
    settings.IMPORT_MAX_ZIP_MEMBERS = 3
    members = {f"notes/{n}.txt": "x" for n in range(4)}
    response = upload(api("admin"), zip_of(members), "bundle.zip")
    body = response.json()
    assert not body["ok"]
    assert "too many files in the archive: 4, the limit is 3" in body["errors"][0]["reason"]


def test_an_xlsx_sheet_over_the_row_limit_stops_the_read(
    world: World, api: Api, settings: Any
) -> None:
    settings.IMPORT_MAX_XLSX_ROWS = 10
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "endowments"
    sheet.append(["region_code", "factor", "value", "source"])
    for n in range(20):
        sheet.append(["SD-ZZ", f"factor_{n}", 1, "test"])
    buffer = io.BytesIO()
    book.save(buffer)

    body = upload(api("admin"), buffer.getvalue(), "book.xlsx").json()

    assert not body["ok"]
    problem = body["errors"][0]
    assert problem["file"].endswith(".xlsx[endowments]") and problem["row"] == 11
    assert "more than 10 rows" in problem["reason"]
    assert not Endowment.objects.filter(factor__startswith="factor_").exists()


def test_an_upload_with_problems_is_deleted_at_once(world: World, api: Api) -> None:
    refused = upload(api("admin"), BAD.encode(), "endowments.csv").json()
    assert refused["state"] == "invalid"
    assert kept_uploads() == []
    confirm = api("admin").post(f"{V1}/imports/{refused['id']}/confirm/")
    assert confirm.status_code == 404

    checked = upload(api("admin"), GOOD.encode(), "endowments.csv").json()
    assert checked["state"] == "checked"
    assert len(kept_uploads()) == 1  # kept until confirmed


def test_the_upload_page_deletes_a_refused_upload_and_refuses_a_large_one(
    world: World, settings: Any
) -> None:
    settings.ROOT_URLCONF = "screening.config.urls"  # the browser pages
    browser = Client()
    browser.force_login(world.users["admin"])
    bad = SimpleUploadedFile("endowments.csv", BAD.encode())
    response = browser.post(reverse("data_upload"), {"file": bad})
    assert response.status_code == 200
    assert kept_uploads() == []

    settings.UPLOAD_MAX_BYTES = 10_000
    big = SimpleUploadedFile("endowments.csv", GOOD.encode() + b"SD-WH,rail,1,x\n" * 1_000)
    response = browser.post(reverse("data_upload"), {"file": big})
    assert response.status_code == 200
    assert "文件超过 0.01 MB 的上限" in response.content.decode()
    assert kept_uploads() == []
