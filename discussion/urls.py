from django.urls import path

from . import views

urlpatterns = [
    path("claims/<int:pk>/notes/", views.note_add, name="claim-note-add"),
]
