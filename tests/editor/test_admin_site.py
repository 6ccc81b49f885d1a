"""The Django admin: the product's name, superusers only, a lead's needs as checkboxes."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from projects.forms import LeadAdminForm, LeadForm
from projects.models import Lead
from regions.models import Region
from tests.ui.scenario import Scenario


def test_the_admin_says_the_products_name(
    scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    body = client_for("admin").get(reverse("admin:index")).content.decode()
    assert "选商 · 数据管理后台" in body
    assert "Django 管理" not in body and "Django administration" not in body


def test_only_superusers_use_the_django_admin(scenario: Scenario) -> None:
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_needs_are_checkboxes_of_the_known_factors_in_the_admin(
    scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    lead = scenario.leads["battery"]
    page = client_for("admin").get(reverse("admin:projects_lead_change", args=[lead.pk]))
    body = page.content.decode()
    for factor in ("port", "industrial_land_ha", "power"):
        assert f'type="checkbox" name="needs" value="{factor}"' in body
    assert "港口" in body  # labelled, not the raw code
    form = page.context["adminform"].form
    assert isinstance(form, LeadAdminForm)
    assert set(form.initial["needs"]) == {"industrial_land_ha", "power", "port"}


def test_the_admin_form_saves_checked_needs_as_a_list(scenario: Scenario) -> None:
    lead = Lead.objects.get(pk=scenario.leads["parts"].pk)
    data = {
        name: value
        for name, value in LeadAdminForm(instance=lead).initial.items()
        if value is not None
    }
    data |= {
        "needs": ["port", "power"],
        "industry": lead.industry_id,
        "region": lead.region_id,
        "input_industries": [i.pk for i in lead.input_industries.all()],
    }
    data.pop("owner", None)
    form = LeadAdminForm(data, instance=lead)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["needs"] == ["port", "power"]
    refused = LeadAdminForm(data | {"needs": ["no_such_factor"]}, instance=lead)
    assert not refused.is_valid() and "needs" in refused.errors


def test_the_products_lead_form_offers_the_same_factors(scenario: Scenario) -> None:
    lead = scenario.leads["parts"]
    product = LeadForm(instance=lead, regions=Region.objects.all())
    admin = LeadAdminForm(instance=lead)
    assert product.fields["needs"].choices == admin.fields["needs"].choices  # type: ignore[attr-defined]
