from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("resources/", views.directory, name="directory"),
    path("case/<int:case_pk>/", views.case_referrals, name="case"),
]
