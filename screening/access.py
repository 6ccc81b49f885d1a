"""Who may see and do what. Every view and API endpoint asks here; nothing else decides.

Roles are groups: officer (their own regions' leads only, may edit those), manager (reads
everything; manages shortlists and weight profiles), admin (reference data and users of every
region; a superuser counts as admin), regional admin (reference data and leads of their own
regions only). A user in several groups gets the union.

A user's regions are one rule for every scoped role (`officer_region_ids`): the regions the
user is assigned to (OfficerRegion) and everything below them. A provincial admin therefore
edits the province and its cities; a city admin only that city (and its counties and zones).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import QuerySet

from projects.models import Lead
from regions.models import OfficerRegion, Region


class Role(StrEnum):
    OFFICER = "officer"
    MANAGER = "manager"
    ADMIN = "admin"
    REGIONAL_ADMIN = "regional_admin"


AnyUser = AbstractBaseUser | AnonymousUser

# Where officer_region_ids() caches its answer on the user object for the request (the user
# classes declare no such attribute, so it is read and written with getattr/setattr).
_REGION_IDS_CACHE = "_xs_region_ids"


def roles(user: Any) -> set[Role]:
    """The user's roles, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cached: set[Role] | None = getattr(user, "_xs_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    found = {role for role in Role if role.value in names}
    if user.is_superuser:
        found.add(Role.ADMIN)
    user._xs_roles = found
    return found


def has_role(user: AnyUser, *wanted: Role) -> bool:
    return bool(roles(user) & set(wanted))


def sees_all_regions(user: AnyUser) -> bool:
    return has_role(user, Role.MANAGER, Role.ADMIN)


def officer_region_ids(user: AnyUser) -> list[int]:
    """The user's assigned regions and all their descendants (a city officer sees its
    counties and zones too; a regional admin edits the same regions)."""
    if not user.is_authenticated:
        return []
    cached: list[int] | None = getattr(user, _REGION_IDS_CACHE, None)
    if cached is not None:  # one lookup per request, like roles()
        return cached
    found = _assigned_with_descendants(int(user.pk))
    setattr(user, _REGION_IDS_CACHE, found)
    return found


def _assigned_with_descendants(user_id: int) -> list[int]:
    """One recursive query (every API and page request of an officer asks this); UNION, not
    UNION ALL, so a corrupt cycle in region parents ends instead of looping."""
    assignments, regions = OfficerRegion._meta.db_table, Region._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE scope(id) AS ("  # noqa: S608 - table names, not input
            f" SELECT region_id FROM {assignments} WHERE user_id = %s"
            f" UNION SELECT r.id FROM {regions} r JOIN scope s ON r.parent_id = s.id"
            ") SELECT id FROM scope ORDER BY id",
            [user_id],
        )
        return [row[0] for row in cursor.fetchall()]


def descendants_and_self(region_ids: list[int]) -> list[int]:
    """These regions and every region below them, sorted; one recursive query (the shortlist
    and other pages ask it on every request: one round trip per level cost more)."""
    if not region_ids:
        return []
    regions = Region._meta.db_table
    marks = ", ".join(["%s"] * len(region_ids))
    with connection.cursor() as cursor:
        # Down to 16 levels below: region trees are shallow; the bound guards against a cycle.
        cursor.execute(
            f"WITH RECURSIVE below(id, depth) AS ("  # noqa: S608 - table names, not input
            f" SELECT id, 1 FROM {regions} WHERE parent_id IN ({marks})"
            f" UNION SELECT r.id, b.depth + 1 FROM {regions} r"
            f" JOIN below b ON r.parent_id = b.id WHERE b.depth < 16"
            ") SELECT DISTINCT id FROM below",
            [int(pk) for pk in region_ids],
        )
        return sorted({*region_ids, *(row[0] for row in cursor.fetchall())})


def visible_leads(user: AnyUser) -> QuerySet[Lead]:
    """The leads this user may read."""
    if sees_all_regions(user):
        return Lead.objects.all()
    if has_role(user, Role.OFFICER, Role.REGIONAL_ADMIN):
        return Lead.objects.filter(region_id__in=officer_region_ids(user))
    return Lead.objects.none()


def can_edit_lead(user: AnyUser, lead: Lead) -> bool:
    """Officers and regional admins edit leads of their regions; admins edit any; managers
    only read leads."""
    if has_role(user, Role.ADMIN):
        return True
    scoped = has_role(user, Role.OFFICER, Role.REGIONAL_ADMIN)
    return scoped and lead.region_id in officer_region_ids(user)


def can_manage_shortlists(user: AnyUser) -> bool:
    return has_role(user, Role.MANAGER, Role.ADMIN)


def can_edit_reference_data(user: AnyUser) -> bool:
    """Whether the user may change some reference data (which regions: admin_region_ids)."""
    return has_role(user, Role.ADMIN, Role.REGIONAL_ADMIN)


def can_edit_shared_reference(user: AnyUser) -> bool:
    """Data no one region owns (the region tree, industries, chain links): admins only."""
    return has_role(user, Role.ADMIN)


def can_see_prospects(user: AnyUser, region_id: int) -> bool:
    """Managers and admins rank the firm directory for any region; officers and regional
    admins for their own (the regions whose leads they see)."""
    if has_role(user, Role.MANAGER, Role.ADMIN):
        return True
    scoped = has_role(user, Role.OFFICER, Role.REGIONAL_ADMIN)
    return scoped and region_id in officer_region_ids(user)


def can_court_in(user: AnyUser, region_id: int) -> bool:
    """Courting a firm makes a lead of the region: whoever may edit that region's leads."""
    return can_edit_lead(user, Lead(region_id=region_id))


def admin_region_ids(user: AnyUser) -> list[int] | None:
    """The regions whose clusters, endowments and leads this user may change as an admin:
    None for every region (admins), the user's regions for a regional admin, else none."""
    if has_role(user, Role.ADMIN):
        return None
    if has_role(user, Role.REGIONAL_ADMIN):
        return officer_region_ids(user)
    return []


def admin_region_codes(user: AnyUser) -> frozenset[str] | None:
    """admin_region_ids as region codes (what an upload's rows name); None: every region."""
    scope = admin_region_ids(user)
    if scope is None:
        return None
    return frozenset(Region.objects.filter(pk__in=scope).values_list("code", flat=True))


def can_edit_region(user: AnyUser, region_id: int) -> bool:
    """Whether the user may change this region's clusters and endowments."""
    scope = admin_region_ids(user)
    return scope is None or region_id in scope
