from django.apps import AppConfig


class SignupConfig(AppConfig):
    name = "signup"
    verbose_name = "Sign-up"

    def ready(self) -> None:
        from signup import checks, ratelimits, selectors  # noqa: F401  (registers system checks and cache invalidation)

        ratelimits.check_configuration()  # a malformed SIGNUP_RATE_LIMIT stops the start-up
