from django.urls import include, path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.new_plan_upload, name="new-plan"),
    path("plans/new/template.xlsx", views.new_plan_template, name="new-plan-template"),
    path("plans/<slug:slug>/", views.plan_dashboard, name="plan-dashboard"),
    path("plans/<slug:slug>/workbook.xlsx", views.plan_workbook_export, name="plan-workbook"),
    path("plans/<slug:slug>/source/", views.plan_source, name="plan-source"),
    path("plans/<slug:slug>/report.xlsx", views.plan_report, name="plan-report"),
    path("plans/<slug:slug>/bao-cao.docx", views.plan_report_document, name="plan-report-docx"),
    path(
        "plans/<slug:slug>/<int:year>/template.xlsx",
        views.progress_template,
        name="progress-template",
    ),
    path("plans/<slug:slug>/<int:year>/upload/", views.progress_upload, name="progress-upload"),
    path("provinces/<slug:province>/<int:year>/", views.year_view, name="year-view"),
    path("provinces/<slug:province>/<int:year>/report.xlsx", views.year_report, name="year-report"),
    path(
        "provinces/<slug:province>/<int:year>/bao-cao.docx",
        views.year_report_document,
        name="year-report-docx",
    ),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency-detail"),
    path("plans/<slug:slug>/<int:year>/submit/", views.plan_year_submit, name="submit"),
    path("plans/<slug:slug>/<int:year>/approve/", views.plan_year_approve, name="approve"),
    path("plans/<slug:slug>/<int:year>/return/", views.plan_year_return, name="return"),
    path("plans/<slug:slug>/<int:year>/reopen/", views.plan_year_reopen, name="reopen"),
    path("api/plans/", views.api_plan_list, name="api-plan-list"),
    path("api/plans/<slug:slug>/", views.api_plan_detail, name="api-plan-detail"),
    path("", include("plans.urls_cycle")),
]
