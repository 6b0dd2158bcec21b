from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notifications-read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
]
