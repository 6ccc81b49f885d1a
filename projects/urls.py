"""Browser routes: sign-in, the inbox, lead pages and actions, score runs, cluster and region
pages with their editors, and the data upload."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from projects.views import actions, clusters, data_upload, detail, editor, inbox, runs

urlpatterns: list[URLPattern] = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", inbox.inbox, name="inbox"),
    path("leads/<int:pk>/", detail.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", detail.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/archive/", detail.lead_archive, name="lead_archive"),
    path("leads/<int:pk>/score/", detail.lead_scorecard, name="lead_scorecard"),
    path("leads/<int:pk>/elsewhere/", detail.lead_elsewhere, name="lead_elsewhere"),
    path("leads/<int:pk>/duplicates/", detail.lead_duplicates, name="lead_duplicates"),
    path("leads/<int:pk>/panel/", actions.lead_panel, name="lead_panel"),
    path("leads/<int:pk>/stage/", actions.lead_stage, name="lead_stage"),
    path("leads/<int:pk>/status/", actions.lead_status, name="lead_status"),
    path("leads/<int:pk>/owner/", actions.lead_owner, name="lead_owner"),
    path("leads/<int:pk>/notes/", actions.lead_note, name="lead_note"),
    path("runs/", runs.runs, name="runs"),
    path("runs/<int:pk>/", runs.run_progress, name="run_progress"),
    path("runs/rescore-stale/", runs.rescore_stale, name="rescore_stale"),
    path("clusters/", clusters.cluster_list, name="cluster_list"),
    path("clusters/<int:pk>/", clusters.cluster_profile_page, name="cluster_profile"),
    path("clusters/<int:pk>/edit/", editor.cluster_edit, name="cluster_edit"),
    path("clusters/<int:pk>/preview/", editor.cluster_preview, name="cluster_preview"),
    path("clusters/<int:pk>/industries/", editor.cluster_industries, name="cluster_industries"),
    path("clusters/<int:pk>/member-row/", editor.cluster_member_row, name="cluster_member_row"),
    path("clusters/<int:pk>/anchor-row/", editor.cluster_anchor_row, name="cluster_anchor_row"),
    path("regions/<int:pk>/", editor.region_page, name="region_page"),
    path("regions/<int:pk>/endowments/", editor.region_endowments, name="region_endowments"),
    path(
        "regions/<int:pk>/endowments/preview/",
        editor.region_endowments_preview,
        name="region_endowments_preview",
    ),
    path(
        "regions/<int:pk>/endowments/row/",
        editor.region_endowment_row,
        name="region_endowment_row",
    ),
    path("data/upload/", data_upload.data_upload, name="data_upload"),
    path(
        "data/upload/<str:token>/confirm/",
        data_upload.data_upload_confirm,
        name="data_upload_confirm",
    ),
    path(
        "data/upload/<str:token>/progress/",
        data_upload.data_upload_progress,
        name="data_upload_progress",
    ),
]
