"""The channels a message goes out on, behind one interface: `channel_for(name).send(...)`.

- e-mail through Django's mail backend (SMTP in production, the console in development);
- SMS through a provider adapter: `TwilioProvider` implements Twilio's Messages API as documented
  (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP basic auth with the
  account SID and auth token, a StatusCallback URL for delivery reports), `ConsoleProvider` prints
  (development: nothing leaves the machine). The API base URL is a setting, so tests point the
  adapter at a fake provider on 127.0.0.1.

Also here: Twilio's webhook signature (X-Twilio-Signature: base64 HMAC-SHA1, keyed by the auth
token, over the full URL followed by every POST parameter sorted by name, name then value). Every
SMS first waits for its moment under the provider's rate, shared by all workers
(`reminders.ratelimit`; a 429 pauses them all).

A failure raises `ChannelError`: `retryable` says whether the same message may be tried again
later (network errors, 5xx, 429) or never (an invalid number)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage

from reminders.ratelimit import SharedRate


@dataclass(frozen=True)
class Outgoing:
    """What one message says, to whom. Never stored: composed, sent, forgotten."""

    to: str
    body: str
    subject: str = ""
    key: str = ""  # the message's idempotency key (a header where the channel has one)
    status_callback: str = ""


@dataclass(frozen=True)
class Sent:
    provider_id: str
    status: str


class ChannelError(Exception):
    def __init__(self, code: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code[:40]
        self.retryable = retryable
        self.retry_after = retry_after


class Channel(Protocol):
    name: str

    def send(self, outgoing: Outgoing) -> Sent: ...


# --- e-mail ------------------------------------------------------------------------------------


class EmailChannel:
    name = "email"

    def send(self, outgoing: Outgoing) -> Sent:
        message = EmailMessage(subject=outgoing.subject, body=outgoing.body, to=[outgoing.to])
        if outgoing.key:
            message.extra_headers["X-Tracker-Message-Key"] = outgoing.key
        try:
            message.send(fail_silently=False)
        except (OSError, ConnectionError) as error:  # smtplib's errors are OSErrors
            raise ChannelError(f"smtp:{type(error).__name__}", retryable=True) from None
        return Sent(provider_id="", status="sent")


# --- SMS ---------------------------------------------------------------------------------------


class SmsProvider(Protocol):
    def send_sms(self, outgoing: Outgoing) -> Sent: ...


class ConsoleProvider:
    """Development: the text goes to standard output, like Django's console mail backend."""

    def send_sms(self, outgoing: Outgoing) -> Sent:
        masked = "…" + outgoing.to[-2:] if len(outgoing.to) > 2 else "…"
        sys.stdout.write(f"[sms to {masked}] {outgoing.body}\n")
        return Sent(provider_id=f"console-{outgoing.key}"[:64], status="sent")


def _retry_after(headers: Any) -> float | None:
    """The Retry-After header (seconds) of an error response, if it has one."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class TwilioProvider:
    """Twilio's Messages API. Errors: 429 → retry after the provider's Retry-After; 5xx and network
    errors → retry; other 4xx (an invalid or unreachable number, code 21211 or 21610...) → never."""

    def __init__(
        self,
        *,
        base_url: str,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        timeout: float = 10.0,
    ) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("https", "http"):
            raise ValueError("TWILIO_API_BASE must be an https (or, for a local fake, http) URL")
        self.base_url = base_url.rstrip("/")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.timeout = timeout

    @property
    def url(self) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{urllib.parse.quote(self.account_sid)}/Messages.json"

    def send_sms(self, outgoing: Outgoing) -> Sent:
        fields = {"To": outgoing.to, "Body": outgoing.body}
        if self.messaging_service_sid:
            fields["MessagingServiceSid"] = self.messaging_service_sid
        else:
            fields["From"] = self.from_number
        if outgoing.status_callback:
            fields["StatusCallback"] = outgoing.status_callback
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - an https URL from settings (a local fake in tests)
            self.url,
            data=urllib.parse.urlencode(fields).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            # The scheme is checked in __init__: only http(s), never file: or a custom one.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                body = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            status = error.code
            try:
                code = str(json.loads(error.read() or b"{}").get("code", status))
            except ValueError:
                code = str(status)
            if status == 429:
                raise ChannelError("429", retryable=True, retry_after=_retry_after(error.headers)) from None
            raise ChannelError(f"http{status}:{code}", retryable=status >= 500) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ChannelError(f"network:{type(error).__name__}", retryable=True) from None
        except ValueError:
            raise ChannelError("bad_response", retryable=True) from None
        return Sent(provider_id=str(body.get("sid", ""))[:64], status=str(body.get("status", "queued")))


class SmsChannel:
    name = "sms"

    def __init__(self, provider: SmsProvider, rate: SharedRate) -> None:
        self.provider = provider
        self.rate = rate

    def send(self, outgoing: Outgoing) -> Sent:
        self.rate.take()
        try:
            return self.provider.send_sms(outgoing)
        except ChannelError as error:
            if error.code == "429":
                self.rate.pause(error.retry_after or 1.0)
            raise


def sms_provider() -> SmsProvider:
    if settings.REMINDERS_SMS_PROVIDER == "twilio":
        return TwilioProvider(
            base_url=settings.TWILIO_API_BASE,
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM_NUMBER,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            timeout=settings.REMINDERS_SMS_TIMEOUT_SECONDS,
        )
    return ConsoleProvider()


def sms_rate(*, upcoming: int = 1) -> SharedRate:
    """The provider's rate, shared by every worker (`reminders.ratelimit`): one row per provider
    and rate."""
    rate = float(settings.REMINDERS_SMS_RATE_PER_SECOND)
    return SharedRate(f"sms:{settings.REMINDERS_SMS_PROVIDER}:{rate:g}/s", rate, upcoming=upcoming)


def channel_for(name: str, *, upcoming: int = 1) -> Channel:
    """The channel `name`; `upcoming`: how many messages the caller is about to send on it (the
    SMS rate reserves that many moments at once, within a second's worth)."""
    if name == "sms":
        return SmsChannel(sms_provider(), sms_rate(upcoming=upcoming))
    if name == "email":
        return EmailChannel()
    raise ValueError(f"no channel {name!r}")


# --- webhook signatures ------------------------------------------------------------------------


def twilio_signature(url: str, params: Iterable[tuple[str, str]] | Mapping[str, str], auth_token: str) -> str:
    """Twilio's X-Twilio-Signature for a form-encoded request to `url` with `params`."""
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    payload = url + "".join(f"{name}{value}" for name, value in sorted(pairs))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(
    url: str, params: Iterable[tuple[str, str]] | Mapping[str, str], signature: str | None, auth_token: str
) -> bool:
    if not signature or not auth_token:
        return False
    return hmac.compare_digest(twilio_signature(url, params, auth_token), signature)
