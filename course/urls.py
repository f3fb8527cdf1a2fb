from django.urls import path

from course import views

app_name = "course"

urlpatterns = [
    path("learn/", views.dashboard, name="dashboard"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
]
