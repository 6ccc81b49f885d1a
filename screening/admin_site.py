"""The Django admin under the product's name, for superusers only.

Everyday editing of clusters, endowments and leads happens in the product itself (with the
impact preview and regional scopes); the Django admin remains the superusers' tool for every
table, users and groups included. Installed through `AdminConfig` in INSTALLED_APPS, so
`admin.site` (and every `@admin.register`) is this site.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class XuanshangAdminSite(AdminSite):
    site_header = _("选商 · 数据管理后台")
    site_title = _("选商管理后台")
    index_title = _("参考数据、线索与用户")
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class XuanshangAdminConfig(AdminConfig):
    default_site = "screening.admin_site.XuanshangAdminSite"
