from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
    path("jobs/<uuid:pk>/", views.job, name="job"),
]
