"""`loaddemo` loads the demo through the importer and is idempotent."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from projects.demo.generate import read_demo_csv
from regions.models import OfficerRegion
from tests.interchange.bundles import counts

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def loaddemo(*args: str) -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("loaddemo", "--leads", "20", *args, stdout=out)
    return out.getvalue()


def test_it_loads_the_demo_and_a_second_run_changes_nothing() -> None:
    first = loaddemo()
    loaded = counts()
    users = list(User.objects.order_by("username").values_list("username", "password"))

    second = loaddemo()

    assert counts() == loaded
    assert list(User.objects.order_by("username").values_list("username", "password")) == users
    assert loaded["Lead"] == len(read_demo_csv("leads.csv")) + 20
    assert loaded["Region"] == len(read_demo_csv("regions.csv"))
    assert "created" in first
    assert "demo files: unchanged" in second
    assert "20 generated leads: unchanged" in second
    assert "demo users: unchanged" in second


def test_it_creates_the_demo_users_with_roles_and_regions() -> None:
    out = loaddemo()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("xuanshang-demo")
    roles = {u.username: [g.name for g in u.groups.all()] for u in User.objects.all()}
    assert roles == {
        "admin": ["admin"],
        "manager": ["manager"],
        "officer_jinan": ["officer"],
        "officer_qingdao": ["officer"],
        "admin_zaozhuang": ["regional_admin"],
    }
    assert set(OfficerRegion.objects.values_list("user__username", "region__code")) == {
        ("officer_jinan", "SD-JN"),
        ("officer_qingdao", "SD-QD"),
        ("admin_zaozhuang", "SD-ZZ"),
    }
    assert "officer_jinan / xuanshang-demo" in out
    assert "demo credentials" in out


def test_it_refuses_to_create_demo_users_with_debug_off() -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG off"):
        call_command("loaddemo", "--leads", "1", stdout=io.StringIO())

    assert not User.objects.exists()
