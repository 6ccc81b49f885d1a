"""Reference-data writes from the API, marking scores stale like the admin does.

Each write runs in one transaction with screening.invalidation.rows_written, so a change of
clusters, endowments, links or regions makes exactly the scores it affects stale, and the
recompute is enqueued on commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from rest_framework.serializers import BaseSerializer

from regions.models import AnchorFirm, Cluster, ClusterIndustry
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


@transaction.atomic
def cluster_save(serializer: BaseSerializer[Any]) -> Cluster:
    """Create or update a cluster; given member and anchor lists replace the old ones."""
    data = dict(serializer.validated_data)
    members = data.pop("members", None)
    anchors = data.pop("anchors", None)
    old = _stored(Cluster, serializer.instance)
    cluster = serializer.instance or Cluster()
    for name, value in data.items():
        setattr(cluster, name, value)
    cluster.save()
    if members is not None:
        cluster.members.all().delete()
        ClusterIndustry.objects.bulk_create(ClusterIndustry(cluster=cluster, **m) for m in members)
    if anchors is not None:
        cluster.anchors.all().delete()
        AnchorFirm.objects.bulk_create(AnchorFirm(cluster=cluster, **a) for a in anchors)
    serializer.instance = cluster
    invalidation.rows_written(Cluster, [o for o in (old, cluster) if o is not None])
    return cluster


@transaction.atomic
def reference_delete(instance: Model) -> None:
    """Delete a reference row; a row still referenced raises ProtectedError (409)."""
    invalidation.rows_written(type(instance), [instance])
    instance.delete()
