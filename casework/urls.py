from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("approvals/", views.approval_queue, name="approvals"),
    path("practice-rules/", views.practice_rules, name="practice_rules"),
    path("approvals/<int:pk>/", views.approval_decide, name="approval_decide"),
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="transfer_decide"),
    path("approvals/<int:pk>/withdraw/", views.approval_withdraw, name="approval_withdraw"),
    path("new/<int:person_pk>/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.case_act, name="act"),
    path("<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/appointments/new/", views.appointment_new, name="appointment_new"),
    path("<int:pk>/assessment/", views.assessment_new, name="assessment"),
    path("<int:pk>/opinion/", views.opinion_new, name="opinion"),
    path("<int:pk>/agreement/", views.agreement_edit, name="agreement"),
    path("<int:pk>/meetings/", views.meetings_edit, name="meetings"),
    path("<int:pk>/plan/", views.plan_edit, name="plan"),
    path("<int:pk>/plan/review/", views.plan_review_new, name="plan_review"),
    path("<int:pk>/family-focus/", views.family_focus_decide, name="family_focus"),
    path("<int:pk>/steps/<int:step_pk>/", views.step_done, name="step_done"),
    path("<int:pk>/transfer/", views.transfer_new, name="transfer"),
    path("<int:pk>/consent/", views.consent_new, name="consent"),
    path("<int:pk>/consent/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
