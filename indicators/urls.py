from django.urls import path

from indicators import views, views_evidence

app_name = "indicators"

urlpatterns = [
    path("plans/<slug:slug>/<int:year>/", views.entry, name="entry"),
    path("plans/<slug:slug>/<int:year>/evidence/", views_evidence.evidence, name="evidence"),
    path("evidence/<int:pk>/", views_evidence.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/remove/", views_evidence.evidence_remove, name="evidence-remove"),
    path("plans/<slug:slug>/baselines/", views.baselines, name="baselines"),
    path("indicators/<int:pk>/history/", views.history, name="history"),
    path("compare/", views.concept_list, name="concept-list"),
    path("compare/<slug:code>/", views.concept_compare, name="concept-compare"),
    path("compare/<slug:code>.xlsx", views.concept_compare_workbook, name="concept-compare-xlsx"),
    path("national/", views.national, name="national"),
    path("national/workbook.xlsx", views.national_workbook, name="national-workbook"),
    path("national/rankings/<slug:code>.json", views.national_ranking, name="national-ranking"),
]
