"""The editor pages: who may open them, what preview and save do, and errors by the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from regions.models import Cluster, ClusterIndustry, ClusterTargetLink, Endowment
from screening.models import LeadScore
from tests.ui.scenario import Scenario

ClientFor = Callable[[str], Client]


def stored_post(cluster: Cluster, **changes: Any) -> dict[str, Any]:
    """The editor's form as a browser posts it for the stored cluster, with `changes`."""
    data: dict[str, Any] = {
        "name": cluster.name,
        "name_en": cluster.name_en,
        "description": cluster.description,
        "target_capex": "" if cluster.target_capex is None else str(cluster.target_capex),
        "target_projects": "" if cluster.target_projects is None else str(cluster.target_projects),
        "member": [],
        "anchor": [],
        "listed": "1",
    }
    if cluster.priority:
        data["priority"] = "on"
    for m in cluster.members.all():
        key = f"m{m.industry_id}"
        data["member"].append(key)
        data[f"member-{key}-industry"] = str(m.industry_id)
        data[f"member-{key}-role"] = m.role
    for a in cluster.anchors.all():
        key = f"a{a.pk}"
        data["anchor"].append(key)
        data |= {f"anchor-{key}-name": a.name, f"anchor-{key}-name_en": a.name_en}
    return data | changes


def with_member(data: dict[str, Any], industry_id: int, role: str = "support") -> dict[str, Any]:
    key = "n0001"
    return data | {
        "member": [*data["member"], key],
        f"member-{key}-industry": str(industry_id),
        f"member-{key}-role": role,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("jinan_admin", 200), ("shandong_admin", 200), ("officer_jinan", 403)],
)
def test_who_may_open_the_editor_of_a_jinan_cluster(
    scenario: Scenario, client_for: ClientFor, who: str, status: int
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    response = client_for(who).get(reverse("cluster_edit", args=[cluster.pk]))
    assert response.status_code == status


def test_a_city_admin_gets_404_for_another_citys_cluster_everywhere(
    scenario: Scenario, client_for: ClientFor
) -> None:
    client = client_for("jinan_admin")
    qingdao = scenario.clusters["QD-ELEC"]
    for name in ("cluster_edit", "cluster_industries", "cluster_anchor_row"):
        assert client.get(reverse(name, args=[qingdao.pk])).status_code == 404
    data = stored_post(qingdao, name="改名")
    for name in ("cluster_edit", "cluster_preview"):
        assert client.post(reverse(name, args=[qingdao.pk]), data).status_code == 404
    assert Cluster.objects.get(pk=qingdao.pk).name == "青岛电子信息产业集群"
    assert client.get(reverse("region_endowments", args=[qingdao.region_id])).status_code == 404
    # The page itself is readable (reference data), without an edit button.
    page = client.get(reverse("cluster_profile", args=[qingdao.pk]))
    assert page.status_code == 200 and reverse("cluster_edit", args=[qingdao.pk]) not in (
        page.content.decode()
    )


def test_the_cluster_page_offers_the_editor_to_its_admins(
    scenario: Scenario, client_for: ClientFor
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    body = client_for("jinan_admin").get(reverse("cluster_profile", args=[cluster.pk]))
    assert reverse("cluster_edit", args=[cluster.pk]) in body.content.decode()
    officer = client_for("officer_jinan").get(reverse("cluster_profile", args=[cluster.pk]))
    assert reverse("cluster_edit", args=[cluster.pk]) not in officer.content.decode()


def test_preview_shows_movers_and_writes_nothing(scenario: Scenario, client_for: ClientFor) -> None:
    cluster = scenario.clusters["JN-NEV"]
    cell = scenario.industries["LIB-CELL"]
    before = dict(LeadScore.objects.values_list("lead_id", "total"))
    data = with_member(stored_post(cluster), cell.pk, "core")
    response = client_for("jinan_admin").post(
        reverse("cluster_preview", args=[cluster.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    impact = response.context["impact"]
    assert impact is not None and impact.changed > 0
    body = response.content.decode()
    assert "宁德时代（示例）" in body  # the battery lead moves up
    assert 'id="impact"' in body
    assert not ClusterIndustry.objects.filter(cluster=cluster, industry=cell).exists()
    assert dict(LeadScore.objects.values_list("lead_id", "total")) == before


@pytest.mark.django_db(transaction=True)
def test_save_applies_the_edit_and_rescoring_follows(
    scenario: Scenario, client_for: ClientFor
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    cell, tire = scenario.industries["LIB-CELL"], scenario.industries["TIRE"]
    battery = scenario.leads["battery"]
    before = LeadScore.objects.get(lead=battery).total
    data = with_member(stored_post(cluster, target=[str(tire.pk)]), cell.pk, "core")
    response = client_for("jinan_admin").post(
        reverse("cluster_edit", args=[cluster.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main" and response["HX-Reselect"] == "#main"
    assert ClusterIndustry.objects.filter(cluster=cluster, industry=cell, role="core").exists()
    assert ClusterTargetLink.objects.filter(cluster=cluster, industry=tire).exists()
    saved = response.context["saved"]
    predicted = next(m.after.total for m in saved.up if m.lead.pk == battery.pk)
    after = LeadScore.objects.get(lead=battery).total  # eager tasks: recomputed on commit
    assert after != before and after == pytest.approx(predicted, abs=1e-6)
    body = response.content.decode()
    assert "目标环节" in body and "已保存" in body


@pytest.mark.parametrize(
    ("changes", "field", "shown"),
    [
        ({"name": ""}, "name", "id_name-error"),
        ({"target_capex": "-5"}, "target_capex", "id_target_capex-error"),
        ({"target_projects": "abc"}, "target_projects", "id_target_projects-error"),
    ],
)
def test_an_invalid_edit_shows_its_error_by_the_field_and_changes_nothing(
    scenario: Scenario, client_for: ClientFor, changes: dict[str, str], field: str, shown: str
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    client = client_for("admin")
    for name in ("cluster_edit", "cluster_preview"):
        response = client.post(
            reverse(name, args=[cluster.pk]),
            stored_post(cluster, **changes),
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert shown in response.content.decode()
        assert response.context["impact"] is None
    fresh = Cluster.objects.get(pk=cluster.pk)
    assert (fresh.name, fresh.target_capex) == (cluster.name, cluster.target_capex)
    scenario.cities["JN"].refresh_from_db()
    assert scenario.cities["JN"].score_version == 1


def test_a_bad_member_row_is_marked_on_its_row(scenario: Scenario, client_for: ClientFor) -> None:
    cluster = scenario.clusters["JN-NEV"]
    asm = scenario.industries["NEV-ASM"]
    data = with_member(stored_post(cluster), asm.pk, "boss")  # listed twice, unknown role
    response = client_for("admin").post(
        reverse("cluster_edit", args=[cluster.pk]), data, HTTP_HX_REQUEST="true"
    )
    rows = {row.key: row for row in response.context["edit"].members}
    assert rows["n0001"].errors  # both problems are on the added row
    assert "role" in rows["n0001"].errors and "industry" in rows["n0001"].errors
    assert ClusterIndustry.objects.filter(cluster=cluster).count() == 2


@pytest.mark.parametrize("name", ["cluster_preview", "cluster_edit"])
def test_an_id_no_key_can_hold_is_an_unknown_industry(
    scenario: Scenario, client_for: ClientFor, name: str
) -> None:
    """A forged id beyond any primary key is an error on its row (or not found), not a
    database error."""
    cluster = scenario.clusters["JN-NEV"]
    huge = str(2**70)
    data = with_member(stored_post(cluster, target=[huge]), 0) | {"member-n0001-industry": huge}
    client = client_for("admin")
    response = client.post(reverse(name, args=[cluster.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    rows = {row.key: row for row in response.context["edit"].members}
    assert "industry" in rows["n0001"].errors
    assert ClusterIndustry.objects.filter(cluster=cluster).count() == 2
    row = client.get(reverse("cluster_member_row", args=[cluster.pk]), {"industry": huge})
    assert row.status_code == 404


def test_the_picker_finds_industries_with_their_lq(
    scenario: Scenario, client_for: ClientFor
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    client = client_for("jinan_admin")
    found = client.get(reverse("cluster_industries", args=[cluster.pk]), {"q": "电池"})
    codes = [industry.code for industry, _cell in found.context["rows"]]
    assert codes == ["LIB-CELL"]
    cell = found.context["rows"][0][1]
    assert cell is not None and cell.lq is not None and cell.lq > 0
    default = client.get(reverse("cluster_industries", args=[cluster.pk]))
    suggested = {industry.code for industry, _cell in default.context["rows"]}
    assert "STEEL" in suggested and "NEV-ASM" not in suggested  # the chain, not members
    row = client.get(
        reverse("cluster_member_row", args=[cluster.pk]),
        {"industry": scenario.industries["TIRE"].pk},
    )
    assert 'name="member"' in row.content.decode() and "TIRE" in row.content.decode()


def test_the_editor_without_javascript_is_a_whole_page(
    scenario: Scenario, client_for: ClientFor
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    client = client_for("admin")
    page = client.get(reverse("cluster_edit", args=[cluster.pk]))
    assert "<html" in page.content.decode() and 'id="cluster-editor"' in page.content.decode()
    saved = client.post(reverse("cluster_edit", args=[cluster.pk]), stored_post(cluster))
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "cluster_profile", args=[cluster.pk]
    )


def test_the_region_page_and_its_endowments_editor(
    scenario: Scenario, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    jinan = scenario.cities["JN"]
    officer = client_for("officer_jinan").get(reverse("region_page", args=[jinan.pk]))
    assert officer.status_code == 200 and "济南新能源汽车产业集群" in officer.content.decode()
    client = client_for("jinan_admin")
    rows = list(Endowment.objects.filter(region=jinan).order_by("factor"))
    data: dict[str, Any] = {"endowment": [], "listed": "1"}
    for e in rows:
        data["endowment"].append(f"e{e.pk}")
        data[f"endowment-e{e.pk}-factor"] = e.factor
        data[f"endowment-e{e.pk}-value"] = "" if e.value is None else str(e.value)
    port = next(e for e in rows if e.factor == "port")
    bad = data | {f"endowment-e{port.pk}-value": "-1"}
    refused = client.post(
        reverse("region_endowments", args=[jinan.pk]), bad, HTTP_HX_REQUEST="true"
    )
    row = next(r for r in refused.context["edit"].rows if r.factor == "port")
    assert "value" in row.errors
    assert f"endowment-e{port.pk}-value-error" in refused.content.decode()
    assert Endowment.objects.get(pk=port.pk).value == 0
    good = data | {f"endowment-e{port.pk}-value": "1"}
    preview = client.post(
        reverse("region_endowments_preview", args=[jinan.pk]), good, HTTP_HX_REQUEST="true"
    )
    assert preview.context["impact"].changed > 0
    assert Endowment.objects.get(pk=port.pk).value == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("region_endowments", args=[jinan.pk]), good, HTTP_HX_REQUEST="true"
        )
    assert done["HX-Retarget"] == "#main"
    assert Endowment.objects.get(pk=port.pk).value == 1


def test_a_post_without_the_editors_lists_is_refused(
    scenario: Scenario, client_for: ClientFor
) -> None:
    """An empty list would mean "remove them all": only the editor's own form may say so."""
    cluster, jinan = scenario.clusters["JN-NEV"], scenario.cities["JN"]
    client = client_for("admin")
    partial = {k: v for k, v in stored_post(cluster, member=[]).items() if k != "listed"}
    response = client.post(reverse("cluster_edit", args=[cluster.pk]), partial)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert cluster.members.count() == 2
    emptied = client.post(reverse("region_endowments", args=[jinan.pk]), {})
    assert emptied.status_code == 200 and emptied.context["edit"].errors
    assert Endowment.objects.filter(region=jinan).count() == 3
