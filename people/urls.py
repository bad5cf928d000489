from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/active/", views.person_set_active, name="set_active"),
    path("<int:pk>/supporters/new/", views.support_member_edit, name="supporter_add"),
    path("<int:pk>/supporters/<int:member_pk>/", views.support_member_edit, name="supporter_edit"),
    path("<int:pk>/populations/new/", views.enrolment_add, name="enrolment_add"),
    path("<int:pk>/populations/<int:enrolment_pk>/end/", views.enrolment_end, name="enrolment_end"),
    path("<int:pk>/assignments/new/", views.assignment_add, name="assignment_add"),
    path("<int:pk>/audit/", views.person_audit, name="audit"),
]
