"""Model factories shared by the tests.

Each factory is typed by its model, so `RegionFactory.create(...)` is a `Region` to mypy
(calling the factory itself, `RegionFactory(...)`, does the same but is typed as the factory).
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from projects.models import Lead
from regions.models import (
    Cluster,
    ClusterIndustry,
    Endowment,
    Industry,
    IndustryLink,
    Region,
    RegionIndustry,
)


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"地区{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    level = "city"


class IndustryFactory(factory.django.DjangoModelFactory[Industry]):
    class Meta:
        model = Industry
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"I{n:03d}")
    name = factory.Sequence(lambda n: f"产业{n}")
    name_en = factory.Sequence(lambda n: f"Industry {n}")


class RegionIndustryFactory(factory.django.DjangoModelFactory[RegionIndustry]):
    class Meta:
        model = RegionIndustry

    region = factory.SubFactory(RegionFactory)
    industry = factory.SubFactory(IndustryFactory)
    employment = 1000


class IndustryLinkFactory(factory.django.DjangoModelFactory[IndustryLink]):
    class Meta:
        model = IndustryLink

    supplier = factory.SubFactory(IndustryFactory)
    customer = factory.SubFactory(IndustryFactory)
    weight = 0.5


class ClusterFactory(factory.django.DjangoModelFactory[Cluster]):
    class Meta:
        model = Cluster

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"集群{n}")


class ClusterIndustryFactory(factory.django.DjangoModelFactory[ClusterIndustry]):
    class Meta:
        model = ClusterIndustry

    cluster = factory.SubFactory(ClusterFactory)
    industry = factory.SubFactory(IndustryFactory)
    role = "core"


class EndowmentFactory(factory.django.DjangoModelFactory[Endowment]):
    class Meta:
        model = Endowment

    region = factory.SubFactory(RegionFactory)
    factor = "port"
    value = 1.0


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Xuanshang-2026")


class LeadFactory(factory.django.DjangoModelFactory[Lead]):
    class Meta:
        model = Lead

    external_id = factory.Sequence(lambda n: f"L{n:06d}")
    company = factory.Sequence(lambda n: f"示例科技有限公司{n}")
    industry = factory.SubFactory(IndustryFactory)
    region = factory.SubFactory(RegionFactory)
    capex = 10000
    jobs = 200
    received_on = dt.date(2026, 1, 15)
