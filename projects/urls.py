"""Browser routes: sign-in, the inbox, lead pages and actions, score runs, cluster pages and the
data upload."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from projects.views import actions, clusters, data_upload, detail, inbox, runs

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
