from django.urls import path

from course import views

app_name = "course"

urlpatterns = [
    path("learn/", views.dashboard, name="dashboard"),
]
