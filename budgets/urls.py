from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("plans/<slug:slug>/<int:year>/budget/", views.entry, name="entry"),
    path("budget-lines/<int:pk>/history/", views.line_history, name="line-history"),
]
