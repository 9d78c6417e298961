from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from signup.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="signup:signup", permanent=False)),
    path("signup/", include("signup.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
