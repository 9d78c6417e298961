"""A URLconf with language-prefixed URLs, which portal.locale.LocaleMiddleware refuses."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

urlpatterns = i18n_patterns(path("page/", lambda request: HttpResponse("page")))
