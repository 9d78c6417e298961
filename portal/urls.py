from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from portal.health import readyz_view
from portal.metrics import metrics_view
from signup.brand_views import brand_css_view, favicon_view

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="signup:signup", permanent=False)),
    path("signup/", include("signup.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("brand.css", brand_css_view, name="brand-css"),
    path("favicon.ico", favicon_view, name="favicon"),
    path("readyz", readyz_view, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
