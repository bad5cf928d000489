from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("people/<int:pk>/", views.person_risk, name="person"),
    path("configuration/", views.configuration, name="configuration"),
]
