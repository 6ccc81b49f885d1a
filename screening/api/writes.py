"""Reference-data writes from the API, marking scores stale like the admin does.

Each write runs in one transaction with screening.invalidation.rows_written, so a change of
clusters, endowments, links or regions makes exactly the scores it affects stale, and the
recompute is enqueued on commit. Clusters go through regions.services, the write service of
the product's cluster editor, so both validate and write the same way.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from rest_framework.serializers import BaseSerializer

from regions.models import Cluster, ClusterRole
from regions.services import AnchorDraft, ClusterDraft, MemberDraft
from regions.services import cluster_save as save_cluster
from screening import invalidation


def _stored(model: type[Model], instance: Model | None) -> Model | None:
    """The row as it is in the database before the write (a region may be changing)."""
    if instance is None or instance.pk is None:
        return None
    return model._default_manager.filter(pk=instance.pk).first()


@transaction.atomic
def reference_save(serializer: BaseSerializer[Any]) -> Model:
    """Create or update one reference row from a validated serializer."""
    model = serializer.Meta.model  # type: ignore[attr-defined]  # ModelSerializers only
    old = _stored(model, serializer.instance)
    obj = serializer.save()
    invalidation.rows_written(model, [o for o in (old, obj) if o is not None])
    return obj


def cluster_save(serializer: BaseSerializer[Any]) -> Cluster:
    """Create or update a cluster through the write service the cluster editor uses; given
    member, anchor and target-link lists replace the old ones."""
    data = dict(serializer.validated_data)
    members = data.pop("members", None)
    anchors = data.pop("anchors", None)
    targets = data.pop("target_links", None)
    draft = ClusterDraft(
        fields=data,
        members=None
        if members is None
        else tuple(MemberDraft(m["industry"].pk, m.get("role", ClusterRole.CORE)) for m in members),
        anchors=None
        if anchors is None
        else tuple(
            AnchorDraft(a["name"], a.get("name_en", ""), a.get("source", "")) for a in anchors
        ),
        target_links=None if targets is None else tuple(targets),
    )
    cluster = save_cluster(serializer.instance, draft)
    serializer.instance = cluster
    return cluster


@transaction.atomic
def reference_delete(instance: Model) -> None:
    """Delete a reference row; a row still referenced raises ProtectedError (409)."""
    invalidation.rows_written(type(instance), [instance])
    instance.delete()
