"""Addresses of the yearly cycle's pages, included in plans.urls (names in the plans: space)."""

from django.urls import path

from plans import views_cycle, views_review

urlpatterns = [
    path("reporting/", views_cycle.reporting_status, name="reporting-status"),
    path(
        "reporting/status.xlsx",
        views_cycle.reporting_status_export,
        name="reporting-status-export",
    ),
    path("plans/<slug:slug>/deadlines/", views_cycle.plan_deadlines, name="deadlines"),
    path("notices/", views_cycle.notice_list, name="notices"),
    path("plans/<slug:slug>/<int:year>/review/", views_review.plan_year_review, name="review"),
    path("plans/<slug:slug>/<int:year>/tien-do/", views_cycle.work_entry, name="work-entry"),
    path(
        "plans/<slug:slug>/<int:year>/review/return/",
        views_review.plan_year_review_return,
        name="review-return",
    ),
    path(
        "plans/<slug:slug>/<int:year>/review/approve/",
        views_review.plan_year_review_approve,
        name="review-approve",
    ),
]
