"""The prospect pages: who sees which region, courting a firm in one click, the Excel export,
and "who could fill this missing link" on a cluster's page."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Lead
from screening.models import LeadScore
from tests.prospects.scenario import Chain, add_firm

PAGE = reverse("shortlists:prospects")


def client_of(chain: Chain, username: str) -> Client:
    client = Client()
    client.force_login(chain.users[username])
    return client


@pytest.fixture
def firms(chain: Chain) -> Chain:
    add_firm(chain, "SEP", "LIB-SEP", employees=800, name="=隔膜科技", plants=("JNG",))
    add_firm(chain, "CATH", "LIB-CATH", employees=800)
    return chain


def test_a_manager_sees_the_ranked_firms_and_the_gap_they_fill(firms: Chain) -> None:
    zz = firms.cities["ZZ"]
    response = client_of(firms, "manager").get(PAGE, {"region": zz.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("=隔膜科技") < html.index("CATH 公司")  # the gap first
    assert "补齐枣庄锂电池产业集群的缺失环节：隔膜。" in html
    assert "济宁市已有工厂" in html  # a plant in a sibling city is flagged
    assert "接洽该企业" not in html  # managers read leads; officers court


def test_a_gap_link_chosen_names_the_gap_in_the_headline(firms: Chain) -> None:
    zz, separator = firms.cities["ZZ"], firms.industries["LIB-SEP"]
    response = client_of(firms, "manager").get(PAGE, {"region": zz.pk, "gap": separator.pk})
    html = response.content.decode()
    assert "枣庄市缺少隔膜：以下 1 家隔膜企业按适配度排序" in html
    assert "CATH 公司" not in html


def test_an_officer_sees_only_their_regions(firms: Chain) -> None:
    officer = client_of(firms, "officer_jn")
    response = officer.get(PAGE, {"region": firms.cities["ZZ"].pk})
    assert response.status_code == 200
    assert response.context["region"] == firms.cities["JN"]  # not the region asked for
    regions = list(response.context["form"].fields["region"].queryset)
    assert regions == [firms.cities["JN"]]
    explain = reverse("shortlists:prospect_explain")
    sep = firms.industries["LIB-SEP"].firms.get()
    assert (
        officer.get(explain, {"region": firms.cities["ZZ"].pk, "firm": sep.pk}).status_code == 403
    )


def test_without_a_role_there_is_no_page(firms: Chain) -> None:
    from django.contrib.auth.models import User

    nobody = User.objects.create_user("nobody", password="x")
    client = Client()
    client.force_login(nobody)
    assert client.get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302  # sign in first


def test_an_officer_courts_a_firm_in_one_click(
    firms: Chain, django_capture_on_commit_callbacks: object
) -> None:
    officer = client_of(firms, "officer_zz")
    zz = firms.cities["ZZ"]
    sep = firms.industries["LIB-SEP"].firms.get()
    page = officer.get(PAGE, {"region": zz.pk}).content.decode()
    assert "接洽该企业" in page
    assert f'data-focus="#court-lead-{sep.pk}, #court-error-{sep.pk}"' in page

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = officer.post(
            reverse("shortlists:prospect_court"),
            {"region": zz.pk, "firm": sep.pk},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET=f"court-{sep.pk}",
        )

    lead = Lead.objects.get(firm=sep)
    assert (lead.region, lead.owner, lead.company) == (zz, firms.users["officer_zz"], "=隔膜科技")
    answer = response.content.decode()
    assert reverse("lead_detail", args=[lead.pk]) in answer
    # The outcome goes to the page's one live region; focus goes to the new link (app.js).
    live = '<div id="live-status" hx-swap-oob="innerHTML">'
    assert f"{live}=隔膜科技：已建为线索，正在评分。" in answer
    assert f'id="court-lead-{sep.pk}"' in answer and 'role="status"' not in answer
    assert LeadScore.objects.filter(lead=lead).exists()
    again = officer.get(PAGE, {"region": zz.pk}).content.decode()
    assert "已是线索" in again
    detail = officer.get(reverse("lead_detail", args=[lead.pk])).content.decode()
    assert "企业库" in detail and ">SEP<" in detail  # the lead remembers its firm


def test_a_regional_admin_ranks_and_courts_in_their_region_only(
    firms: Chain, django_capture_on_commit_callbacks: object
) -> None:
    """A regional admin edits their regions' leads (issue 22), so they rank and court there,
    as an officer of the region does; other regions' prospects are not theirs."""
    admin = client_of(firms, "admin_zz")
    zz, jn = firms.cities["ZZ"], firms.cities["JN"]
    sep = firms.industries["LIB-SEP"].firms.get()
    response = admin.get(PAGE, {"region": jn.pk})
    assert response.context["region"] == zz  # not the region asked for
    assert list(response.context["form"].fields["region"].queryset) == [zz]
    html = response.content.decode()
    assert "接洽该企业" in html
    assert f'href="{PAGE}"' in html  # the main navigation leads here
    explain = reverse("shortlists:prospect_explain")
    assert admin.get(explain, {"region": jn.pk, "firm": sep.pk}).status_code == 403
    court = reverse("shortlists:prospect_court")
    assert admin.post(court, {"region": jn.pk, "firm": sep.pk}).status_code == 403
    assert not Lead.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = admin.post(court, {"region": zz.pk, "firm": sep.pk})

    lead = Lead.objects.get(firm=sep)
    assert response.status_code == 302 and response["Location"] == reverse(
        "lead_detail", args=[lead.pk]
    )
    assert (lead.region, lead.owner) == (zz, firms.users["admin_zz"])


def test_an_officer_cannot_court_for_another_region(firms: Chain) -> None:
    sep = firms.industries["LIB-SEP"].firms.get()
    response = client_of(firms, "officer_jn").post(
        reverse("shortlists:prospect_court"), {"region": firms.cities["ZZ"].pk, "firm": sep.pk}
    )
    assert response.status_code == 403
    assert not Lead.objects.exists()


def test_the_excel_export_holds_the_ranked_firms_safely(firms: Chain) -> None:
    zz = firms.cities["ZZ"]
    response = client_of(firms, "manager").get(
        reverse("shortlists:prospects_export"), {"region": zz.pk}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], int)]
    assert [row[1] for row in rows] == ["SEP", "CATH"]
    assert rows[0][2] == "'=隔膜科技"  # a formula is shown, never run
    header = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "名次")
    columns = {name: k for k, name in enumerate(header)}
    assert "隔膜" in rows[0][columns["可补的链条缺口"]]
    assert isinstance(rows[0][columns["带动配套"]], float)  # anchor pull, a part of 强群
    assert sheet.cell(row=2, column=2).value == "40% · 30% · 30% （其中带动配套 50%）"


def test_the_cluster_page_lists_who_could_fill_its_missing_link(firms: Chain) -> None:
    cluster = firms.cluster
    page = client_of(firms, "manager").get(reverse("cluster_profile", args=[cluster.pk]))
    assert reverse("shortlists:cluster_prospects", args=[cluster.pk]) in page.content.decode()
    body = client_of(firms, "manager").get(
        reverse("shortlists:cluster_prospects", args=[cluster.pk])
    )
    html = body.content.decode()
    assert "补齐枣庄锂电池产业集群的缺失环节：隔膜。" in html
    assert "=隔膜科技" in html
    # An officer of another city sees nothing of Zaozhuang's prospects there.
    other = client_of(firms, "officer_jn").get(
        reverse("shortlists:cluster_prospects", args=[cluster.pk])
    )
    assert other.status_code == 200 and other.content == b""


def test_admins_keep_the_directory_in_the_admin(firms: Chain) -> None:
    admin = client_of(firms, "admin")
    sep = firms.industries["LIB-SEP"].firms.get()
    assert admin.get(reverse("admin:regions_firm_changelist")).status_code == 200
    change = admin.get(reverse("admin:regions_firm_change", args=[sep.pk]))
    assert change.status_code == 200
    assert "SD-JNG" in change.content.decode()  # its plant, inline
    assert admin.get(reverse("admin:regions_plant_changelist")).status_code == 200


def test_an_admin_edit_of_a_firm_reloads_the_directory(firms: Chain) -> None:
    from screening.selectors.firms import current_directory, firms_version

    sep = firms.industries["LIB-SEP"].firms.get()
    before = firms_version()
    assert len(current_directory()) == 2
    response = client_of(firms, "admin").post(
        reverse("admin:regions_firm_change", args=[sep.pk]),
        {
            "code": sep.code,
            "name": sep.name,
            "name_en": "",
            "industry": sep.industry_id,
            "hq_region": "",
            "country": "CN",
            "employees": "5000",
            "revenue": "",
            "source": "",
            "plants-TOTAL_FORMS": "0",
            "plants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert firms_version() == before + 1
    assert 5000.0 in current_directory().employees.tolist()
