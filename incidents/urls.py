from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("new/<int:person_pk>/", views.incident_new, name="new"),
    path("<int:pk>/", views.incident_detail, name="detail"),
]
