from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [path("<int:pk>/", views.enrolment_supervision, name="enrolment")]
