from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("<int:pk>/", views.enrolment_supervision, name="enrolment"),
    path("people/<int:person_pk>/assessments/", views.assessments, name="assessments"),
    path("<int:pk>/documents/<str:kind>/", views.document, name="document"),
    path("<int:pk>/documents/<str:kind>/<int:obj_id>/", views.document, name="document"),
]
