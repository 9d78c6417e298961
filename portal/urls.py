from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from portal.health import readyz_view
from signup.admin_views import risk_data_view
from signup.brand_views import brand_css_view, favicon_view

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="signup:signup", permanent=False)),
    path("signup/", include("signup.urls")),
    # Before admin.site.urls, whose catch-all would otherwise answer this path.
    path("admin/signup/risk-data/", admin.site.admin_view(risk_data_view), name="signup-risk-data"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("brand.css", brand_css_view, name="brand-css"),
    path("favicon.ico", favicon_view, name="favicon"),
    path("readyz", readyz_view, name="readyz"),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
