"""Managers' shortlists: ranking, what-if weights, AHP, saved snapshots, charts, exports;
prospects (the firm directory ranked for a region)."""

from django.urls import URLPattern, path

from shortlists.views import calibration, charts, prospects, ranking, saved

app_name = "shortlists"

urlpatterns: list[URLPattern] = [
    path("", ranking.shortlist_page, name="page"),
    path("save/", ranking.shortlist_save_view, name="save"),
    path("profiles/save/", ranking.profile_save_view, name="profile_save"),
    path("ahp/", ranking.ahp_page, name="ahp"),
    path("compare/", ranking.compare_page, name="compare"),
    path("charts/", charts.charts_page, name="charts"),
    path("saved/", saved.saved_list, name="saved_list"),
    path("saved/<int:pk>/", saved.saved_detail, name="saved"),
    path("saved/<int:pk>/entries/<int:entry_pk>/", saved.entry_decide_view, name="decide"),
    path("saved/<int:pk>/export.xlsx", saved.export_xlsx, name="export_xlsx"),
    path("saved/<int:pk>/export.pdf", saved.export_pdf, name="export_pdf"),
    path("calibration/", calibration.calibration_page, name="calibration"),
    path("calibration/run/", calibration.calibration_run_view, name="calibration_run"),
    path(
        "calibration/<int:pk>/adopt/", calibration.calibration_adopt_view, name="calibration_adopt"
    ),
    path("prospects/", prospects.prospects_page, name="prospects"),
    path("prospects/export.xlsx", prospects.prospects_export, name="prospects_export"),
    path("prospects/explain/", prospects.prospect_explain, name="prospect_explain"),
    path("prospects/court/", prospects.prospect_court, name="prospect_court"),
    path("prospects/cluster/<int:pk>/", prospects.cluster_gap_prospects, name="cluster_prospects"),
]
