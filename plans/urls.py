from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("api/plans/", views.api_plan_list, name="api-plan-list"),
    path("api/plans/<slug:slug>/", views.api_plan_detail, name="api-plan-detail"),
]
