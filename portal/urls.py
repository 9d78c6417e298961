from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from portal.health import readyz_view
from signup.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="signup:signup", permanent=False)),
    path("signup/", include("signup.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz_view, name="readyz"),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
