"""One rule per field: the importer, the REST API and the editor's write service refuse the
same values (the models' validators and limits, regions.validators)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from regions.interchange.cells import CellError, parse_cell
from regions.interchange.formats import TABLES
from regions.models import Endowment
from regions.services import ClusterDraft, EndowmentDraft, cluster_save, endowments_save
from tests.ui.scenario import Scenario

# (table, column, model field for the API/service, bad text in a cell, the same as a value)
RULES: list[tuple[str, str, str, str, Any]] = [
    ("clusters", "name", "name", "锂电\x01集群", "锂电\x01集群"),
    ("clusters", "name", "name", "x" * 121, "x" * 121),
    ("endowments", "value", "value", "-2", -2.0),
    ("endowments", "factor", "factor", "port\x1b", "port\x1b"),
]


@pytest.mark.parametrize(("table", "column", "field", "cell", "value"), RULES)
def test_the_three_entry_paths_refuse_the_same_value(
    scenario: Scenario, table: str, column: str, field: str, cell: str, value: Any
) -> None:
    with pytest.raises(CellError):
        parse_cell(TABLES[table].by_name[column], cell)

    api = APIClient()
    api.force_authenticate(scenario.users["admin"])
    cluster = scenario.clusters["JN-NEV"]
    if table == "clusters":
        url, body = f"/api/v1/clusters/{cluster.pk}/", {field: value}
    else:
        endowment = Endowment.objects.filter(region=cluster.region).first()
        assert endowment is not None
        url, body = f"/api/v1/endowments/{endowment.pk}/", {field: value}
    response = api.patch(url, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]

    with pytest.raises(ValidationError) as raised:
        if table == "clusters":
            cluster_save(cluster, ClusterDraft(fields={field: value}))
        else:
            factor, amount = (value, 1.0) if field == "factor" else ("port", value)
            endowments_save(cluster.region, [EndowmentDraft(factor, amount)])
    assert any(key.endswith(field) for key in raised.value.message_dict)
