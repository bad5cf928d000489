from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/<int:pk>/unlock/", views.account_unlock, name="unlock"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("staff/<int:pk>/two-factor/reset/", views.two_factor_reset, name="two_factor_reset"),
]
