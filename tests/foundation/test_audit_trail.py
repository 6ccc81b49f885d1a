"""The audit trail covers users' roles, officer regions and weight profiles; the context says
who and through which path (regions.audit)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from regions import audit
from regions.models import OfficerRegion, Region
from screening.models import ScoringProfile
from screening.scoring import SubScoreWeights
from screening.services.profiles import profile_save_version

pytestmark = pytest.mark.django_db


def test_a_role_given_to_a_user_is_recorded_without_the_password() -> None:
    admin = User.objects.create_user("boss", password="x")
    clerk = User.objects.create_user("clerk", password="x")
    with audit.acting(via=audit.Via.ADMIN, user=admin):
        clerk.groups.add(Group.objects.create(name="manager"))
    latest = User.history.filter(id=clerk.pk).latest()  # type: ignore[attr-defined]
    assert [g.group.name for g in latest.groups.all()] == ["manager"]
    assert (latest.history_user, latest.history_via) == (admin, "admin")
    assert not hasattr(latest, "password")


def test_a_sign_in_is_not_a_change() -> None:
    user = User.objects.create_user("clerk", password="x")
    copies = User.history.filter(id=user.pk).count()  # type: ignore[attr-defined]
    user.save(update_fields=["last_login"])
    assert User.history.filter(id=user.pk).count() == copies  # type: ignore[attr-defined]


def test_an_officer_region_and_a_new_weight_profile_are_recorded() -> None:
    user = User.objects.create_user("clerk", password="x")
    region = Region.objects.create(code="SD", name="山东省", level="province")
    OfficerRegion.objects.create(user=user, region=region)
    assert OfficerRegion.history.get().history_type == "+"
    profile = profile_save_version(
        name="default",
        weights=SubScoreWeights.normalised(1, 1, 1, pull_share=0.5),
        region_id=None,
        user_id=user.pk,
        reason="test",
    )
    copy = ScoringProfile.history.get(id=profile.pk)
    assert (copy.history_type, copy.history_via, copy.reason) == ("+", "system", "test")


def test_the_context_names_an_import_batch_only_inside_its_block() -> None:
    with audit.acting(via=audit.Via.IMPORT, batch="b" * 32) as batch:
        assert (audit.current_via(), audit.current_batch()) == ("import", batch)
    assert (audit.current_via(), audit.current_batch()) == ("system", "")
