"""Managers' shortlists: ranking, what-if weights, AHP, saved snapshots, charts, exports."""

from django.urls import URLPattern, path

from shortlists.views import charts, ranking, saved

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
]
