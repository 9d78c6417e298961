from django.urls import path

from bench.views import floor_page, floor_signup
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/signup/", floor_signup),
    path("bench/page/", floor_page),
    *portal_urlpatterns,
]
