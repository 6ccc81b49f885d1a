"""The cluster profile and the data upload (dry run, every row error, confirm, progress)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.models import Lead
from regions.models import Endowment
from screening.cluster_profile import LinkStatus
from tests.ui.errors import assert_error_tied
from tests.ui.scenario import Scenario


def test_the_cluster_profile_marks_the_chain_around_it(scenario: Scenario, officer: Client) -> None:
    cluster = scenario.clusters["JN-NEV"]
    response = officer.get(reverse("cluster_profile", kwargs={"pk": cluster.pk}))
    profile = response.context["profile"]
    assert [m.industry.code for m in profile.members] == ["NEV-ASM", "NEV-PART"]
    assert all(m.lq is not None and 0 <= m.strength <= 1 for m in profile.members)
    upstream = {x.industry.code: x.status for x in profile.upstream}
    # Jinan makes steel and electronics (suppliers) but no cathode-free battery chain of note.
    assert upstream["STEEL"] == LinkStatus.PRESENT
    assert upstream["LIB-CELL"] in {LinkStatus.WEAK, LinkStatus.PRESENT}
    assert profile.measures is not None and profile.measures.lq > 0
    body = response.content.decode()
    assert "产业链图" in body and "st-present" in body


def test_the_cluster_profile_lists_visible_leads_that_fill_gaps(
    scenario: Scenario, officer: Client, client_for: Callable[[str], Client]
) -> None:
    cluster = scenario.clusters["QD-ELEC"]  # electronics: its suppliers/customers in Qingdao
    mine = officer.get(reverse("cluster_profile", kwargs={"pk": cluster.pk})).context["leads"]
    assert all(lead.region_id == scenario.cities["JN"].pk for lead in mine)  # Jinan officer
    profile = officer.get(reverse("cluster_profile", kwargs={"pk": cluster.pk})).context["profile"]
    gaps = set(profile.gap_industry_ids)
    theirs = (
        client_for("officer_qingdao")
        .get(reverse("cluster_profile", kwargs={"pk": cluster.pk}))
        .context["leads"]
    )
    assert all(lead.industry_id in gaps for lead in theirs)


def test_the_cluster_profile_lists_leads_that_would_draw_its_weak_links_in(
    scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    url = reverse("cluster_profile", kwargs={"pk": cluster.pk})
    response = client_for("manager").get(url)
    profile, pulling = response.context["profile"], response.context["pulling"]
    # Jinan's electronics are weak (0 < LQ < 1) and feed auto parts: the parts lead's plant
    # would draw more of them in; its other supplier, steel, is strong in Jinan.
    assert scenario.industries["ELEC"].pk in profile.gap_supplier_ids
    assert [(p.lead.pk, [i.code for i in p.links]) for p in pulling] == [
        (scenario.leads["parts"].pk, ["ELEC"])
    ]
    body = response.content.decode()
    assert 'id="pulling-leads"' in body and "潍柴零部件（示例）" in body
    # An officer of another city does not see Jinan's leads here either.
    assert client_for("officer_qingdao").get(url).context["pulling"] == []


def bundle(files: dict[str, str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return SimpleUploadedFile("data.zip", buffer.getvalue(), content_type="application/zip")


ENDOWMENTS_OK = "region_code,factor,value,source\nSD-JN,rail,1,test\nSD-QD,rail,1,test\n"
ENDOWMENTS_BAD = (
    "region_code,factor,value,source\nSD-JN,rail,1,test\n"
    "SD-XX,rail,1,test\nSD-QD,rail,-3,test\nSD-QD,rail,x,test\n"
)


def test_a_dry_run_lists_every_row_error_and_writes_nothing(
    scenario: Scenario, admin_client_: Client
) -> None:
    response = admin_client_.post(
        reverse("data_upload"), {"file": bundle({"endowments.csv": ENDOWMENTS_BAD})}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.ok
    assert {p.row for p in report.errors} >= {3, 4, 5}
    body = response.content.decode()
    assert "SD-XX" in body and "未写入任何数据" in body
    assert "确认导入" not in body
    assert not Endowment.objects.filter(factor="rail").exists()


@pytest.mark.django_db(transaction=True)  # the import commits, then rescoring starts
def test_a_valid_upload_is_imported_only_after_confirming(
    scenario: Scenario, admin_client_: Client
) -> None:
    response = admin_client_.post(
        reverse("data_upload"), {"file": bundle({"endowments.csv": ENDOWMENTS_OK})}
    )
    assert response.context["report"].ok
    assert not Endowment.objects.filter(factor="rail").exists()  # the dry run wrote nothing
    token = response.context["token"]
    assert "确认导入" in response.content.decode()
    done = admin_client_.post(
        reverse("data_upload_confirm", kwargs={"token": token}), HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert Endowment.objects.filter(factor="rail").count() == 2
    progress = admin_client_.get(reverse("data_upload_progress", kwargs={"token": token}))
    assert 'value="100"' in progress.content.decode()
    again = admin_client_.post(reverse("data_upload_confirm", kwargs={"token": token}))
    assert again.status_code == 404  # a token is used once


def test_an_upload_of_the_wrong_kind_is_refused_beside_the_field(
    scenario: Scenario, admin_client_: Client
) -> None:
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = admin_client_.post(reverse("data_upload"), {"file": upload})
    assert "file" in response.context["form"].errors
    assert_error_tied(response.content.decode(), "id_file")


def test_a_malformed_token_is_not_found(scenario: Scenario, admin_client_: Client) -> None:
    response = admin_client_.post("/data/upload/..%2F..%2Fsettings/confirm/")
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_leads_upload_reports_progress_and_rescoring(
    scenario: Scenario, admin_client_: Client
) -> None:
    header = (
        "external_id,company,industry_code,region_code,capex,currency,jobs,land_ha,needs,"
        "input_codes,stage,status,received_on\n"
    )
    rows = "".join(
        f"U-{n},上传企业{n},TEXT,SD-JN,1000,CNY,50,,,,lead,active,2026-02-01\n" for n in range(30)
    )
    response = admin_client_.post(
        reverse("data_upload"), {"file": bundle({"leads.csv": header + rows})}
    )
    assert response.context["report"].ok, response.context["report"].as_text()
    token = response.context["token"]
    done = admin_client_.post(reverse("data_upload_confirm", kwargs={"token": token}))
    assert Lead.objects.filter(external_id__startswith="U-").count() == 30
    assert done.context["runs"], "the import's rescoring run is shown with its progress"
    assert "<progress" in done.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_single_csv_upload_keeps_its_table_name(
    scenario: Scenario, admin_client_: Client
) -> None:
    upload = SimpleUploadedFile("endowments.csv", ENDOWMENTS_OK.encode(), content_type="text/csv")
    response = admin_client_.post(reverse("data_upload"), {"file": upload})
    assert response.context["report"].ok, response.context["report"].as_text()
    token = response.context["token"]
    admin_client_.post(reverse("data_upload_confirm", kwargs={"token": token}))
    assert Endowment.objects.filter(factor="rail").count() == 2
