from django.urls import path

from bench.floor.views import page, signup

urlpatterns = [
    path("signup/", signup),
    path("page/", page),
]
