from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.day_list, name="day_list"),
    path("<int:pk>/snooze/", views.duty_snooze, name="snooze"),
    path("<int:pk>/done/", views.duty_done, name="done"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("calendar/", views.calendar, name="calendar"),
]
