"""The write services of the editor: every field checked by the models' rules before anything
is written, one row at a time through model saves, the region's scores marked stale."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save

from regions.models import AnchorFirm, Cluster, ClusterIndustry, ClusterTargetLink, Endowment
from regions.services import (
    AnchorDraft,
    ClusterDraft,
    EndowmentDraft,
    MemberDraft,
    cluster_save,
    endowments_save,
)
from tests.ui.scenario import Scenario


def members_of(cluster: Cluster) -> list[tuple[int, str]]:
    return sorted(cluster.members.values_list("industry_id", "role"))


@pytest.fixture
def row_signals() -> Iterator[list[tuple[str, str]]]:
    """Every post_save / post_delete a model sends (what an audit trail would record)."""
    seen: list[tuple[str, str]] = []

    def saved(sender: Any, **kwargs: Any) -> None:
        seen.append(("save", sender.__name__))

    def deleted(sender: Any, **kwargs: Any) -> None:
        seen.append(("delete", sender.__name__))

    post_save.connect(saved, weak=False)
    post_delete.connect(deleted, weak=False)
    yield seen
    post_save.disconnect(saved)
    post_delete.disconnect(deleted)


def test_an_edit_is_written_row_by_row_and_marks_the_region_stale(
    scenario: Scenario, row_signals: list[tuple[str, str]]
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    industries = scenario.industries
    draft = ClusterDraft(
        fields={"name": "济南新能源汽车与电池集群", "target_projects": 15, "priority": False},
        members=(
            MemberDraft(industries["NEV-ASM"].pk, "core"),
            MemberDraft(industries["LIB-CELL"].pk, "support"),
        ),
        anchors=(AnchorDraft("比亚迪", "BYD"), AnchorDraft("国轩高科", "Gotion")),
        target_links=(industries["TIRE"].pk,),
    )
    cluster_save(cluster, draft)
    cluster.refresh_from_db()
    assert (cluster.name, cluster.target_projects, cluster.priority) == (
        "济南新能源汽车与电池集群",
        15,
        False,
    )
    assert members_of(cluster) == sorted(
        [(industries["NEV-ASM"].pk, "core"), (industries["LIB-CELL"].pk, "support")]
    )
    assert sorted(cluster.anchors.values_list("name", flat=True)) == ["国轩高科", "比亚迪"]
    assert list(cluster.target_links.values_list("industry_id", flat=True)) == [
        industries["TIRE"].pk
    ]
    scenario.cities["JN"].refresh_from_db()
    assert scenario.cities["JN"].score_version == 2
    # Only what changed is written: NEV-ASM and 比亚迪 stay untouched.
    rows = [(kind, name) for kind, name in row_signals if not name.startswith("Historical")]
    assert sorted(rows) == sorted(
        [
            ("save", "Cluster"),
            ("delete", "ClusterIndustry"),  # NEV-PART
            ("save", "ClusterIndustry"),  # LIB-CELL
            ("save", "AnchorFirm"),  # 国轩高科
            ("save", "ClusterTargetLink"),
        ]
    )
    # …and each write has exactly one copy in the audit trail (regions.audit).
    copies = [name for kind, name in row_signals if name.startswith("Historical")]
    assert sorted(copies) == sorted(f"Historical{name}" for _kind, name in rows)


BAD_EDITS: list[tuple[dict[str, Any], str]] = [
    ({"fields": {"name": ""}}, "name"),
    ({"fields": {"name": "x" * 121}}, "name"),
    ({"fields": {"description": "bad\x07bell"}}, "description"),
    ({"fields": {"target_capex": Decimal("-1")}}, "target_capex"),
    ({"fields": {"target_capex": Decimal("1.234")}}, "target_capex"),
    ({"fields": {"target_projects": -3}}, "target_projects"),
    ({"members": "bad-role"}, "members.0.role"),
    ({"members": "unknown-industry"}, "members.0.industry"),
    ({"members": "twice"}, "members.1.industry"),
    ({"anchors": (AnchorDraft(""),)}, "anchors.0.name"),
    ({"anchors": (AnchorDraft("A"), AnchorDraft("A"))}, "anchors.1.name"),
    ({"targets": "member"}, "target_links.0"),
]


@pytest.mark.parametrize(("edit", "field"), BAD_EDITS)
def test_an_invalid_edit_names_the_field_and_writes_nothing(
    scenario: Scenario, edit: dict[str, Any], field: str
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    asm = scenario.industries["NEV-ASM"].pk
    members = {
        "bad-role": (MemberDraft(asm, "boss"),),
        "unknown-industry": (MemberDraft(999_999, "core"),),
        "twice": (MemberDraft(asm, "core"), MemberDraft(asm, "support")),
    }
    draft = ClusterDraft(
        fields={"name": "改过的名字", **edit.get("fields", {})},
        members=members.get(edit.get("members", ""), (MemberDraft(asm, "core"),)),
        anchors=edit.get("anchors"),
        target_links=(asm,) if edit.get("targets") == "member" else None,
    )
    before = (members_of(cluster), Cluster.objects.get(pk=cluster.pk).name)
    with pytest.raises(ValidationError) as raised:
        cluster_save(cluster, draft)
    assert field in raised.value.message_dict
    assert (members_of(cluster), Cluster.objects.get(pk=cluster.pk).name) == before
    assert not ClusterTargetLink.objects.exists()
    scenario.cities["JN"].refresh_from_db()
    assert scenario.cities["JN"].score_version == 1


def test_endowments_are_replaced_and_checked(scenario: Scenario) -> None:
    jinan = scenario.cities["JN"]
    endowments_save(
        jinan,
        [EndowmentDraft("port", 1.0, "test"), EndowmentDraft("rail_hub", None)],
    )
    assert sorted(Endowment.objects.filter(region=jinan).values_list("factor", "value")) == [
        ("port", 1.0),
        ("rail_hub", None),
    ]
    jinan.refresh_from_db()
    assert jinan.score_version == 2


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([EndowmentDraft("port", -1.0)], "endowments.0.value"),
        ([EndowmentDraft("port", float("nan"))], "endowments.0.value"),
        ([EndowmentDraft("port", float("inf"))], "endowments.0.value"),
        ([EndowmentDraft("", 1.0)], "endowments.0.factor"),
        ([EndowmentDraft("x" * 65, 1.0)], "endowments.0.factor"),
        ([EndowmentDraft("port", 1.0), EndowmentDraft("port", 0.0)], "endowments.1.factor"),
    ],
)
def test_a_bad_endowment_names_its_row_and_field(
    scenario: Scenario, rows: list[EndowmentDraft], field: str
) -> None:
    jinan = scenario.cities["JN"]
    before = sorted(Endowment.objects.filter(region=jinan).values_list("factor", "value"))
    with pytest.raises(ValidationError) as raised:
        endowments_save(jinan, rows)
    assert field in raised.value.message_dict
    assert sorted(Endowment.objects.filter(region=jinan).values_list("factor", "value")) == before


def test_an_unchanged_edit_writes_no_list_row(
    scenario: Scenario, row_signals: list[tuple[str, str]]
) -> None:
    cluster = scenario.clusters["JN-NEV"]
    draft = ClusterDraft(
        members=tuple(MemberDraft(m.industry_id, m.role) for m in cluster.members.all()),
        anchors=tuple(AnchorDraft(a.name, a.name_en, a.source) for a in cluster.anchors.all()),
        target_links=(),
    )
    cluster_save(cluster, draft)
    assert sorted(row_signals) == [("save", "Cluster"), ("save", "HistoricalCluster")]
    assert ClusterIndustry.objects.filter(cluster=cluster).count() == 2
    assert AnchorFirm.objects.filter(cluster=cluster).count() == 1
