"""The Django admin under the product's name, for superusers only.

Everyday editing of clusters, endowments and leads happens in the product itself (with the
impact preview and regional scopes); the Django admin remains the superusers' tool for every
table, users and groups included. Installed through `AdminConfig` in INSTALLED_APPS, so
`admin.site` (and every `@admin.register`) is this site.
"""

from __future__ import annotations

from typing import Any

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

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """The apps and models with names in the page's language: knox (the API tokens) names
        neither its app nor its model for translation, so the index read "KNOX / Auth tokens"
        on a Chinese page. (Not on the model's options: that would change knox's migrations.)"""
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] == "knox":
                app["name"] = str(_("API 访问令牌"))
                for model in app["models"]:
                    model["name"] = str(_("API 令牌"))
        return apps


class XuanshangAdminConfig(AdminConfig):
    default_site = "screening.admin_site.XuanshangAdminSite"
