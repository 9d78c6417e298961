from django.apps import AppConfig


class SignupConfig(AppConfig):
    name = "signup"
    verbose_name = "Sign-up"

    def ready(self) -> None:
        from django.conf import settings

        from signup import checks, cognito, metrics, ratelimits, selectors  # noqa: F401  (registers checks, signals)

        ratelimits.check_configuration()  # a malformed SIGNUP_RATE_LIMIT stops the start-up
        cognito.call_observer = metrics.cognito_call
        if budget := ratelimits.parse_budget(settings.SIGNUP_SMS_LIMIT):
            metrics.sms_budget(count=budget[0], period=budget[1])
