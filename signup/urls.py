from django.urls import path

from signup import views

app_name = "signup"

urlpatterns = [
    path("", views.signup_view, name="signup"),
    path("confirm/", views.confirm_view, name="confirm"),
    path("confirm/resend/", views.resend_view, name="resend"),
    path("resume/", views.resume_view, name="resume"),
    path("restart/", views.restart_view, name="restart"),
    path("done/", views.done_view, name="done"),
]
