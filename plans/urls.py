from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("plans/<slug:slug>/<int:year>/", views.entry_indicators, name="entry-indicators"),
    path("plans/<slug:slug>/<int:year>/budget/", views.entry_budget, name="entry-budget"),
    path("plans/<slug:slug>/<int:year>/submit/", views.plan_year_submit, name="submit"),
    path("plans/<slug:slug>/<int:year>/approve/", views.plan_year_approve, name="approve"),
    path("plans/<slug:slug>/<int:year>/return/", views.plan_year_return, name="return"),
    path("plans/<slug:slug>/<int:year>/reopen/", views.plan_year_reopen, name="reopen"),
    path("indicators/<int:pk>/history/", views.indicator_history, name="indicator-history"),
    path("budget-lines/<int:pk>/history/", views.budget_line_history, name="budget-line-history"),
    path("api/plans/", views.api_plan_list, name="api-plan-list"),
    path("api/plans/<slug:slug>/", views.api_plan_detail, name="api-plan-detail"),
]
