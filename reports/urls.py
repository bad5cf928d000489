from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("returns/", views.statistical_returns, name="returns"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("work-plan/", views.work_plan, name="work_plan"),
    path("export/<str:name>.xlsx", views.export, name="export"),
]
