"""Addresses of the yearly cycle's pages, included in plans.urls (names in the plans: space)."""

from django.urls import path

from plans import views_cycle

urlpatterns = [
    path("reporting/", views_cycle.reporting_status, name="reporting-status"),
    path(
        "reporting/status.xlsx",
        views_cycle.reporting_status_export,
        name="reporting-status-export",
    ),
    path("plans/<slug:slug>/deadlines/", views_cycle.plan_deadlines, name="deadlines"),
    path("notices/", views_cycle.notice_list, name="notices"),
]
