from django.urls import path

from signup import passkey_views, views

app_name = "signup"

urlpatterns = [
    path("", views.signup_view, name="signup"),
    path("confirm/", views.confirm_view, name="confirm"),
    path("confirm/resend/", views.resend_view, name="resend"),
    path("confirm/address/", views.change_address_view, name="change_address"),
    path("resume/", views.resume_view, name="resume"),
    path("restart/", views.restart_view, name="restart"),
    path("passkey/", passkey_views.passkey_offer_view, name="passkey"),
    path("passkey/options/", passkey_views.passkey_options_view, name="passkey_options"),
    path("passkey/register/", passkey_views.passkey_register_view, name="passkey_register"),
    path("passkey/skip/", passkey_views.passkey_skip_view, name="passkey_skip"),
    path("done/", views.done_view, name="done"),
]
