"""After a region-level edit the World reads only the edited regions' clusters and endowments
(issue 17): what it builds must be what reading everything builds, through every kind of edit
the write services make (members, a new cluster, a deleted cluster, endowments),
and a preview's draft must never leak into a World built on the preview's."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

from regions.models import Cluster, Region
from regions.services import (
    ClusterDraft,
    EndowmentDraft,
    MemberDraft,
    cluster_save,
    endowments_save,
)
from screening import world
from screening.world import LoadedWorld, RegionDraft, current_version, load_world
from tests.scoring.test_fast_build import assert_identical
from tests.ui.scenario import Scenario


def assert_same(got: LoadedWorld, want: LoadedWorld) -> None:
    assert_identical(got.world, want.world)
    a, b = got.world.inputs, want.world.inputs
    assert np.array_equal(a.cluster_members, b.cluster_members)
    assert np.array_equal(a.cluster_region, b.cluster_region)
    assert np.array_equal(a.endowment, b.endowment, equal_nan=True)
    assert (a.cluster_codes, a.cluster_names, a.factor_names) == (
        b.cluster_codes,
        b.cluster_names,
        b.factor_names,
    )
    assert np.array_equal(got.cluster_ids, want.cluster_ids)
    assert got.factor_pos == want.factor_pos


def rebuilt_on(previous: LoadedWorld) -> LoadedWorld:
    """The World for the versions now in force, built on `previous`, reading only the regions
    whose version moved (checked: the whole member table is never read)."""
    with mock.patch.object(world, "_cluster_arrays", side_effect=AssertionError("read all")):
        return load_world(current_version(), previous=previous)


def members_of(cluster: Cluster) -> list[tuple[int, str]]:
    return list(cluster.members.order_by("pk").values_list("industry_id", "role"))


def test_edits_read_region_by_region_build_what_reading_everything_builds(
    scenario: Scenario,
) -> None:
    before = load_world(current_version())
    jinan, qingdao = scenario.cities["JN"], scenario.cities["QD"]
    nev = scenario.clusters["JN-NEV"]
    extra = scenario.industries[next(iter(scenario.industries))].pk
    members = [m for m in members_of(nev) if m[0] != extra]
    # Members of a cluster changed.
    cluster_save(nev, ClusterDraft(members=tuple(MemberDraft(i, r) for i, r in members[1:])))
    after = rebuilt_on(before)
    assert_same(after, load_world(current_version()))
    assert not np.array_equal(
        after.world.inputs.cluster_members, before.world.inputs.cluster_members
    )
    # A new cluster in another region, then endowments with a new factor and a removed one.
    cluster_save(
        None,
        ClusterDraft(
            fields={"region": qingdao, "code": "QD-NEW", "name": "新集群", "name_en": "New"},
            members=(MemberDraft(extra, "core"),),
        ),
    )
    after = rebuilt_on(after)
    assert_same(after, load_world(current_version()))
    # Endowments changed and one removed (other regions still have that factor).
    endowments_save(
        jinan, [EndowmentDraft("port", 1.0), EndowmentDraft("industrial_land_ha", 50.0)]
    )
    after = rebuilt_on(before)  # several versions behind: every moved region read again
    assert_same(after, load_world(current_version()))
    # A factor no region had: the list of factors changes, everything is read again.
    endowments_save(jinan, [EndowmentDraft("port", 1.0), EndowmentDraft("rail_hub", 1.0)])
    after = load_world(current_version(), previous=after)
    assert after.world.inputs.factor_names == ["industrial_land_ha", "port", "power", "rail_hub"]
    assert_same(after, load_world(current_version()))
    # A cluster deleted (marked as the admin does).
    from screening import invalidation

    doomed = Cluster.objects.get(code="QD-NEW")
    doomed.delete()
    invalidation.rows_written(Cluster, [doomed])
    after = rebuilt_on(after)
    assert_same(after, load_world(current_version()))


def test_a_world_built_on_a_preview_does_not_keep_the_draft(scenario: Scenario) -> None:
    loaded = load_world(current_version())
    nev, jinan = scenario.clusters["JN-NEV"], scenario.cities["JN"]
    extra = scenario.industries[next(iter(scenario.industries))].pk
    draft = RegionDraft(
        region_id=jinan.pk,
        cluster_id=nev.pk,
        members=((extra, "core"),),
        endowments=(("port", 1.0),),
    )
    preview = load_world(loaded.version, previous=loaded, draft=draft)
    assert preview.drafted_regions == {jinan.pk}
    assert not np.array_equal(
        preview.world.inputs.cluster_members, loaded.world.inputs.cluster_members
    )
    # The same versions, built on the preview: the stored rows again, not the draft's.
    assert_same(rebuilt_on(preview), load_world(current_version()))
    # And a preview read region by region is the preview read whole.
    whole = load_world(loaded.version, draft=draft)
    assert_same(preview, whole)


def test_many_changed_regions_read_everything(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = load_world(current_version())
    monkeypatch.setattr(world, "REREAD_MAX_REGIONS", 0)
    Region.objects.filter(pk=scenario.cities["JN"].pk).update(score_version=99)
    after = load_world(current_version(), previous=before)
    assert_same(after, load_world(current_version()))
