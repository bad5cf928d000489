from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("<int:pk>/", views.detail, name="detail"),
    path("mine/", views.mine, name="mine"),
]
