"""API permissions: thin adapters over screening.access, which alone decides who may do what.

Lead scoping is done by querysets (visible_leads), so a lead outside an officer's regions is
a 404, never a 403: ids of other regions' leads do not leak.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from projects.models import Lead
from regions.models import Region
from screening import access
from screening.access import Role


class HasRole(BasePermission):
    """Signed in and holding at least one role (officer, manager or admin)."""

    message = gettext_lazy("Your account has no role in this application; ask an administrator.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(access.roles(request.user))


class ReferenceData(HasRole):
    """Reference data (regions, industries, clusters, links, endowments): every role reads,
    admins write. A regional admin writes the rows of their own regions only (clusters,
    endowments: the view scopes them, `region_scoped`); data no region owns (the region tree,
    industries, links) only admins of every region write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "region_scoped", False):
            return access.can_edit_reference_data(request.user)
        return access.can_edit_shared_reference(request.user)


class LeadAccess(HasRole):
    """Reads are scoped by the queryset; writes need can_edit_lead on the lead itself.

    Deleting a lead archives it (it leaves every list), so only admins delete; officers close
    a lead by setting its status (lost, withdrawn) instead.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method == "POST" and getattr(view, "action", None) == "create":
            return access.has_role(request.user, Role.OFFICER, Role.ADMIN, Role.REGIONAL_ADMIN)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Lead) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return access.has_role(request.user, Role.ADMIN)
        return access.can_edit_lead(request.user, obj)


class ManagesShortlists(HasRole):
    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and access.can_manage_shortlists(request.user)


class AdminOnly(HasRole):
    """Admins and regional admins (an upload is then limited to the user's regions, row by
    row: projects.interchange.importer)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and access.can_edit_reference_data(
            request.user
        )


def check_may_edit_region(user: Any, region: Region | None) -> None:
    """A cluster or endowment may only be created in, or moved to, a region the user edits."""
    if region is not None and not access.can_edit_region(user, region.pk):
        raise exceptions.ValidationError(
            {"region": [_("You can only change data of regions you administer.")]}
        )


def check_may_place_lead(user: Any, region: Region | None) -> None:
    """A lead may only be created in, or moved to, a region whose leads the user may edit."""
    if region is not None and not access.can_edit_lead(user, Lead(region_id=region.pk)):
        raise exceptions.ValidationError(
            {"region": [_("You can only put leads in regions you work for.")]}
        )
