from django.urls import path

from . import views

app_name = "conferences"
urlpatterns = [
    path("new/<int:person_pk>/", views.conference_new, name="new"),
    path("dimensions/", views.dimensions, name="dimensions"),
    path("<int:pk>/", views.conference_detail, name="detail"),
    path("<int:pk>/brief/", views.conference_brief, name="brief"),
    path("<int:pk>/training/", views.conference_brief, {"training": True}, name="training"),
]
