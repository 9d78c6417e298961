"""The sign-up use cases: register, confirm, resend, resume, change the address, restart. Decisions live here;
Cognito is reached only through signup.cognito, the journey state only through signup.journey, and the abuse limits
(signup.ratelimits, signup.cooldown) are applied here, after the form's local checks and before any Cognito call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import translation
from django.views.decorators.debug import sensitive_variables

from signup import (
    captcha,
    cognito,
    cooldown,
    delivery,
    errors,
    insights,
    keys,
    metrics,
    pool,
    ratelimits,
    records,
    return_urls,
    sign_in,
    uniform,
)
from signup.cognito import CodeDelivery, RequestContext, SignUpRequest
from signup.journey import (
    Journey,
    journey_clear,
    journey_load,
    journey_save,
    return_url,
    return_url_remember,
    sign_up_timed_out_for,
    sign_up_timed_out_forget,
    sign_up_timed_out_remember,
)

logger = logging.getLogger(__name__)


def _contacts(request: SignUpRequest) -> dict[str, str]:
    return {name: value for name, value in request.user_attributes if name in delivery.CONTACT_ATTRIBUTES}


def _new_session_key(session: SessionBase) -> None:
    """A new session key at every change of who the session belongs to: a planted session id learns nothing."""
    if session.session_key:
        session.cycle_key()


@contextmanager
def _outcome(operation: str) -> Iterator[None]:
    """Count how an operation ended (its error's stable code, or "success") for the admin page and /metrics."""
    try:
        yield
    except errors.PortalError as error:
        metrics.outcome(operation, error.code)
        insights.failure_soon(error.code)
        raise
    metrics.outcome(operation, "success")


def signup_honeypot_hit() -> None:
    """A bot filled the field people never see: counted, nothing else happens."""
    logger.info("signup.register outcome=honeypot")
    metrics.honeypot_hit()


@sensitive_variables("request", "captcha_token")
def signup_register(
    *,
    session: SessionBase,
    request: SignUpRequest,
    context: RequestContext,
    captcha_token: str | None = None,
    consents: Mapping[str, str] | None = None,
) -> Journey:
    """Register the user with one SignUp call and remember the outcome in the session (and in a sign-up record, with
    the `consents` ticked as {field: version}). The form's local checks passed: that is counted first."""
    insights.count_soon(insights.SUBMITTED)
    with _outcome("register"):
        return _register(
            session=session, request=request, context=context, captcha_token=captcha_token, consents=consents or {}
        )


@sensitive_variables("request", "captcha_token")
def _register(
    *,
    session: SessionBase,
    request: SignUpRequest,
    context: RequestContext,
    captcha_token: str | None,
    consents: Mapping[str, str],
) -> Journey:
    """With SIGNUP_CAPTCHA on, the widget's token is checked first: a bot spends neither the limits of the username
    it types nor Cognito calls."""
    if captcha.enabled():
        captcha.verify(token=captcha_token, remote_ip=context.ip_address)
    contacts, description = _contacts(request), pool.user_pool_description()
    destinations = [
        keys.destination_digest(value) for _, value in delivery.expected_destinations(contacts, description)
    ]
    ratelimits.enforce("signup", ip=context.ip_address, username=request.username, destinations=destinations)
    if delivery.likely_sms(contacts, description):
        ratelimits.sms_budget_check()
    started = time.monotonic()
    try:
        result = cognito.sign_up(request, context)
    except errors.CognitoTimeout:
        sign_up_timed_out_remember(session, request.username)
        raise
    except errors.UsernameExists:
        return _username_taken(session=session, username=request.username, context=context, started=started)
    except (errors.InvalidParameter, errors.InvalidPassword) as error:
        if request.password is None and _refused_for_lack_of_password(error):
            raise _without_password_refused() from error
        raise
    uniform.observe("sign_up", time.monotonic() - started)
    risk_data = _record(result, context=context, consents=consents)
    journey = _registered(session=session, result=result, username=request.username, contacts=contacts)
    # One line per sign-up (a log write hands the GIL over under load): the outcome and whether risk data came.
    logger.info(
        "signup.register outcome=success user_sub=%s confirmed=%s risk_data=%s",
        result.user_sub,
        result.confirmed,
        risk_data,
    )
    if uniform.enabled():
        uniform.pad(elapsed=time.monotonic() - started)
    return journey


def _refused_for_lack_of_password(error: errors.PortalError) -> bool:
    """Cognito refused a SignUp without Password because the pool needs one (its message names the password)."""
    if isinstance(error, errors.InvalidPassword):
        return True
    return type(error) is errors.InvalidParameter and "password" in error.detail.lower()


def _without_password_refused() -> errors.PortalError:
    logger.warning(
        "signup.register outcome=password_needed mode=%s: the pool does not allow sign-up without a password "
        "(see the system check signup.W021)",
        settings.SIGNUP_PASSWORD,
    )
    return errors.PasswordNeeded() if settings.SIGNUP_PASSWORD == "optional" else errors.PasswordlessNotEnabled()


def _record(result: cognito.SignUpResult, *, context: RequestContext, consents: Mapping[str, str]) -> str:
    """The sign-up record (one INSERT) and the metric; returns whether the browser's risk data came (present, absent,
    or not_collected: the page did not load the risk script, so nothing is missing)."""
    risk_data = "present" if context.encoded_data else "absent"
    if not settings.COGNITO_USER_CONTEXT_DATA:
        risk_data = "not_collected"
    metrics.registered(risk_data=risk_data)
    records.signup_record_create(
        user_sub=result.user_sub,
        confirmed=result.confirmed,
        delivery_medium=result.delivery.medium if result.delivery else "",
        language=translation.get_language() or "",
        risk_data=bool(context.encoded_data),
        consent_versions=consents,
        outcome_codes=["registered", "auto_confirmed"] if result.confirmed else ["registered"],
    )
    return risk_data


def _registered(
    *, session: SessionBase, result: cognito.SignUpResult, username: str, contacts: dict[str, str]
) -> Journey:
    sent = result.delivery
    if sent and sent.medium == "SMS":
        ratelimits.sms_sent()
    address = delivery.destination_value(contacts, sent.attribute) if sent else ""
    digest = keys.destination_digest(address) if address else ""
    sent_at = (
        time.time() if result.confirmed else cooldown.code_sent(username, delivery=sent, destination_digest=digest)
    )
    journey = Journey(
        username=username,
        user_sub=result.user_sub,
        confirmed=result.confirmed,
        delivery=uniform.typed_delivery(username) if uniform.enabled() else sent,
        code_sent_at=sent_at,
        created_here=True,
        destination_digest=digest,
        cognito_session=result.session,
    )
    sign_up_timed_out_forget(session)
    _new_session_key(session)
    journey_save(session, journey)
    return journey


def _username_taken(*, session: SessionBase, username: str, context: RequestContext, started: float) -> Journey:
    if sign_up_timed_out_for(session, username):
        # This browser's previous SignUp for the same username timed out: it reached Cognito after all. Treat it
        # as the user's own registration and continue to the code step with a fresh code, not as an error.
        logger.info("signup.register outcome=resumed_after_timeout")
        try:
            return _resend_and_save(
                session=session, journey=_blank_journey(username, created_here=True), context=context
            )
        except errors.AlreadyConfirmed:
            return _save(session, replace(_blank_journey(username, created_here=True), confirmed=True))
    if uniform.enabled():
        logger.info("signup.register outcome=username_exists uniform=true")
        journey = _continue_uniformly(session=session, username=username, context=context)
        uniform.pad(elapsed=time.monotonic() - started)
        return journey
    logger.info("signup.register outcome=username_exists")
    raise errors.UsernameExists()


def _blank_journey(username: str, *, created_here: bool = False) -> Journey:
    return Journey(
        username=username, user_sub="", confirmed=False, delivery=None, code_sent_at=0, created_here=created_here
    )


def _save(session: SessionBase, journey: Journey) -> Journey:
    sign_up_timed_out_forget(session)
    journey_save(session, journey)
    return journey


def signup_current(*, session: SessionBase) -> Journey:
    journey = journey_load(session)
    if journey is None:
        raise errors.NoSignUpInProgress()
    return journey


@sensitive_variables("code")
def signup_confirm(*, session: SessionBase, code: str, context: RequestContext) -> Journey:
    """Confirm the username held in the session with the code the user typed, then (if configured) sign in."""
    journey = signup_current(session=session)
    if journey.confirmed:
        return journey
    with _outcome("confirm"):
        return _confirm(session=session, journey=journey, code=code, context=context)


@sensitive_variables("code")
def _confirm(*, session: SessionBase, journey: Journey, code: str, context: RequestContext) -> Journey:
    ratelimits.enforce("confirm", ip=context.ip_address, username=journey.username)
    if journey.existing_account:
        uniform.check_not_locked(journey.username)
    try:
        new_session = cognito.confirm_sign_up(
            username=journey.username, code=code, session=journey.cognito_session, context=context
        )
    except (errors.AlreadyConfirmed, errors.UserNotFound) as error:
        if journey.existing_account:
            # Uniform outcome: "already confirmed" or "no such user" would tell whoever typed this username that
            # the account exists (or not); fail exactly like a wrong code does.
            raise uniform.code_refused(journey.username) from None
        if isinstance(error, errors.UserNotFound):
            journey_clear(session)
            raise
        new_session = ""
    logger.info("signup.confirm outcome=success user_sub=%s", journey.user_sub or "-")
    records.signup_record_confirmed(user_sub=journey.user_sub)
    confirmed = journey.confirmed_now(cognito_session=new_session)
    _new_session_key(session)
    return _save(session, sign_in.after_confirm(session=session, journey=confirmed, context=context))


def signup_resend_wait(*, journey: Journey) -> int:
    """Seconds until another code may be sent for this journey's username (0: now)."""
    return max(cooldown.seconds_left_after(journey.code_sent_at), cooldown.seconds_left(journey.username))


def signup_resend(*, session: SessionBase, context: RequestContext) -> Journey:
    """Send a new code to the username held in the session, at most once per SIGNUP_RESEND_COOLDOWN seconds."""
    journey = signup_current(session=session)
    if journey.confirmed:
        return journey
    with _outcome("resend"):
        return _resend(session=session, journey=journey, context=context)


def _resend(*, session: SessionBase, journey: Journey, context: RequestContext) -> Journey:
    if wait := signup_resend_wait(journey=journey):
        logger.info("signup.resend outcome=cooldown user_sub=%s", journey.user_sub or "-")
        raise errors.ResendCooldown(retry_after=wait)
    destinations = [journey.destination_digest] if journey.destination_digest else []
    ratelimits.enforce("resend", ip=context.ip_address, username=journey.username, destinations=destinations)
    if journey.delivery is not None and journey.delivery.medium == "SMS":
        ratelimits.sms_budget_check()
    if journey.existing_account:
        return _continue_uniformly(session=session, username=journey.username, context=context)
    return _resend_and_save(session=session, journey=journey, context=context)


def _resend_and_save(*, session: SessionBase, journey: Journey, context: RequestContext | None = None) -> Journey:
    """Claim the cooldown, send a new code and remember where it went. AlreadyConfirmed: the journey is done."""
    if wait := cooldown.claim(journey.username):
        raise errors.ResendCooldown(retry_after=wait)
    started = time.monotonic()
    try:
        sent = cognito.resend_confirmation_code(username=journey.username, context=context or RequestContext())
    except errors.PortalError as error:
        cooldown.release(journey.username)  # no code went out
        if isinstance(error, errors.AlreadyConfirmed):
            logger.info("signup.resend outcome=already_confirmed user_sub=%s", journey.user_sub or "-")
            records.signup_record_confirmed(user_sub=journey.user_sub)  # e.g. by the e-mailed link
            return _save(session, journey.confirmed_now())
        if isinstance(error, errors.UserNotFound):
            journey_clear(session)
        raise
    uniform.observe("resend", time.monotonic() - started)
    return _code_resent(session=session, journey=journey, sent=sent)


def _code_resent(*, session: SessionBase, journey: Journey, sent: CodeDelivery | None) -> Journey:
    if sent and sent.medium == "SMS":
        ratelimits.sms_sent()
    sent_at = cooldown.code_sent(journey.username, delivery=sent, destination_digest=journey.destination_digest)
    # A new code ends the sign-up's Session (Cognito's ResendConfirmationCode takes none): no sign-in afterwards.
    resent = replace(journey, delivery=sent, code_sent_at=sent_at, cognito_session="")
    logger.info("signup.resend outcome=success user_sub=%s", journey.user_sub or "-")
    return _save(session, resent)


@sensitive_variables("captcha_token")
def signup_resume(
    *, session: SessionBase, username: str, context: RequestContext, captcha_token: str | None = None
) -> Journey:
    """Take someone back to the code step for an account that exists but was never confirmed (after the CAPTCHA,
    when SIGNUP_CAPTCHA is on).

    Why a resend rather than a lookup: ResendConfirmationCode is the one call that both checks the account is still
    unconfirmed and sends the code only to the address on that account, so the portal learns (and shows) nothing
    beyond Cognito's masked destination and needs no IAM rights. Inside the cooldown nothing is sent: the person
    goes to the code step of the code sent moments ago (they may have it already) and can ask for another later.
    """
    if captcha.enabled():
        captcha.verify(token=captcha_token, remote_ip=context.ip_address)
    if uniform.enabled():
        return _continue_uniformly(session=session, username=username, context=context, resumed=True)
    last = cooldown.last_code(username)
    if last is not None and cooldown.seconds_left_after(last.sent_at):
        logger.info("signup.resume outcome=cooldown")
        resumed = replace(_blank_journey(username), delivery=last.delivery, code_sent_at=last.sent_at)
        return _save(session, replace(resumed, destination_digest=last.destination_digest))
    destinations = [last.destination_digest] if last and last.destination_digest else []
    ratelimits.enforce("resume", ip=context.ip_address, username=username, destinations=destinations)
    journey = replace(_blank_journey(username), destination_digest=destinations[0] if destinations else "")
    try:
        resumed = _resend_and_save(session=session, journey=journey, context=context)
    except errors.UserNotFound:
        logger.info("signup.resume outcome=not_pending")
        raise errors.NotPending() from None
    if resumed.confirmed:
        journey_clear(session)
        raise errors.AlreadyConfirmed()
    return resumed


def signup_change_address(*, session: SessionBase, address: str, context: RequestContext) -> Journey:
    """A new email address or phone number for the unconfirmed account this browser created, and a code sent there.

    Only for the account this session created (the session proves it); needs IAM rights (AdminUpdateUserAttributes),
    without which Cognito refuses and the person is told to start again with a new username.
    """
    journey = signup_current(session=session)
    attribute = journey.delivery.attribute if journey.delivery else ""
    if not signup_can_change_address(journey=journey):
        raise errors.ChangeNotPermitted()
    if wait := signup_resend_wait(journey=journey):
        raise errors.ResendCooldown(retry_after=wait)
    digest = keys.destination_digest(address)
    ratelimits.enforce("resend", ip=context.ip_address, username=journey.username, destinations=[digest])
    if attribute == "phone_number":
        ratelimits.sms_budget_check()
    cognito.admin_update_contact(username=journey.username, attributes=[(attribute, address)])
    logger.info("signup.change_address outcome=updated user_sub=%s", journey.user_sub or "-")
    return _resend_and_save(session=session, journey=replace(journey, destination_digest=digest), context=context)


def signup_restart(*, session: SessionBase) -> None:
    """Forget the sign-up in progress ("wrong address? start again"). The account in Cognito is left as it is."""
    sign_in.passkey_step_tokens_revoke(session)
    journey_clear(session)
    sign_up_timed_out_forget(session)
    logger.info("signup.restart")


def _continue_uniformly(
    *, session: SessionBase, username: str, context: RequestContext, resumed: bool = False
) -> Journey:
    """SIGNUP_UNIFORM_OUTCOME: a username that already exists (or, on resume, any username) gets the code step.

    An unconfirmed account gets a fresh code, which is what its owner came back for. A confirmed or unknown one gets
    nothing, and its journey never says so: confirming fails like a wrong code, asking for a new code looks like it
    worked. Within the cooldown nothing is sent, so repeated sign-ups with someone else's address cannot flood them.
    """
    if cooldown.claim(username) == 0:
        started = time.monotonic()
        try:
            cognito.resend_confirmation_code(username=username, context=context)
            uniform.observe("resend", time.monotonic() - started)
        except (errors.AlreadyConfirmed, errors.UserNotFound, errors.Throttled):
            logger.info("signup.resend outcome=not_sent uniform=true")
        cooldown.code_sent(username, delivery=None)
    journey = replace(
        _blank_journey(username),
        delivery=None if resumed else uniform.typed_delivery(username),
        code_sent_at=time.time(),
        existing_account=True,
    )
    return _save(session, journey)


def signup_confirmation_kind(*, journey: Journey) -> str:
    """How this journey is confirmed: "code" (typed), "link" (opened from the email) or "either" (the pool could not
    be read under SIGNUP_CONFIRMATION=auto: the code form stays, and the page says a link may have come instead)."""
    if journey.delivery is None or journey.delivery.medium != "EMAIL":
        return "code"  # text messages always carry a code
    if settings.SIGNUP_CONFIRMATION in ("code", "link"):
        return str(settings.SIGNUP_CONFIRMATION)
    description = pool.user_pool_description()
    if description is None:
        return "either"
    template = description.get("VerificationMessageTemplate") or {}
    return "link" if template.get("DefaultEmailOption") == "CONFIRM_WITH_LINK" else "code"


def signup_can_change_address(*, journey: Journey) -> bool:
    """Offer "Change the address": this browser created the unconfirmed account and the portal has IAM rights (the
    pool is readable with them; AdminUpdateUserAttributes needs them too)."""
    attribute = journey.delivery.attribute if journey.delivery else ""
    return (
        journey.created_here
        and not uniform.enabled()  # an offer only new accounts get would tell them apart
        and not journey.confirmed
        and not journey.existing_account
        and attribute in delivery.CONTACT_ATTRIBUTES
        and pool.user_pool_description() is not None
    )


def signup_return_to(*, session: SessionBase, candidate: str) -> bool:
    """Remember `candidate` as where "Continue" goes, if the allow-list accepts it (else it is dropped, logged)."""
    url = return_urls.accepted(candidate)
    if url is None:
        return False
    return_url_remember(session, url)
    return True


def signup_continue_url(*, session: SessionBase) -> str:
    """Where the done page's "Continue" goes: the accepted `next`, else SIGNUP_DEFAULT_RETURN_URL, else nowhere."""
    return return_url(session) or settings.SIGNUP_DEFAULT_RETURN_URL
