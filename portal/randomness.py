"""Random strings for the values every request makes: session keys and CSRF token masks.

Django's `get_random_string` draws each character with `secrets.choice`, one `os.urandom` call (a system call) and a
few Python-level steps per character: a 32-character session key costs 32 of them, and every form page's masked CSRF
token another 32 (docs/benchmarks.md measured the mask at about a fifth of the cached form page's CPU time). Here the
bytes come from one call and are mapped onto the alphabet by rejection sampling, so every character is still
uniformly distributed and unpredictable: the same strength, far less work.

The bytes come from OpenSSL's CSPRNG (`ssl.RAND_bytes`: a DRBG seeded from the operating system, per thread, and
reseeded in a forked child), not `os.urandom`: that is a `getrandom` system call, which lets go of the GIL, and under
32 threads per worker each such hand-over keeps the request waiting for the GIL to come back (docs/benchmarks.md,
the ninth pass).
"""

from __future__ import annotations

import ssl
from functools import cache

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.http import HttpRequest
from django.middleware import csrf


def random_string(length: int, alphabet: str) -> str:
    """`length` characters drawn uniformly from `alphabet` (ASCII, at most 256 characters) with OpenSSL's CSPRNG."""
    table, rejected = _tables(alphabet)
    chosen = b""
    while len(chosen) < length:
        # Twice what is needed: even a 129-character alphabet keeps half the bytes, so one call is nearly always
        # enough. translate() drops the rejected bytes and maps the rest onto the alphabet, both in C.
        chosen += ssl.RAND_bytes(2 * (length - len(chosen))).translate(table, rejected)
    return chosen[:length].decode("ascii")


@cache
def _tables(alphabet: str) -> tuple[bytes, bytes]:
    """Byte b -> alphabet[b % size]; and the bytes at or above the largest multiple of the alphabet's size, which
    would favour its first characters, to drop."""
    size = len(alphabet)
    limit = 256 - 256 % size
    return bytes(ord(alphabet[byte % size]) for byte in range(256)), bytes(range(limit, 256))


# (secret character, mask character) -> enciphered character: Django's (x + y) % len(chars) on the characters' indexes.
_CSRF_CHARS = csrf.CSRF_ALLOWED_CHARS
_CSRF_ADD = {
    (x, y): _CSRF_CHARS[(i + j) % len(_CSRF_CHARS)]
    for i, x in enumerate(_CSRF_CHARS)
    for j, y in enumerate(_CSRF_CHARS)
}


def mask_csrf_secret(secret: str) -> str:
    """The token form of a CSRF secret, as Django's `_mask_cipher_secret` makes it: a fresh mask followed by the
    secret enciphered with it (each character shifted by the mask's), so the page's token differs on every request
    (BREACH) while `CsrfViewMiddleware` unmasks it back to the cookie's secret."""
    mask = random_string(len(secret), _CSRF_CHARS)
    return mask + "".join(map(_CSRF_ADD.__getitem__, zip(secret, mask, strict=True)))


def csrf_token(request: HttpRequest) -> str:
    """Django's `get_token(request)` with the cheaper mask: the same token, the same cookie renewal."""
    if "CSRF_COOKIE" not in request.META:
        return csrf.get_token(request)  # a first visit: Django makes the secret and sets its cookie
    # As get_token does: the cookie is in use, so it is sent again (renewing its expiry) with the response.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask_csrf_secret(request.META["CSRF_COOKIE"])


class NewSessionKeys:
    """A session store mixin: a new session key without asking the store whether it exists.

    Django's SessionBase checks `exists(key)` (a round trip) for every key it draws, yet both of the portal's stores
    create a session atomically (SET NX in the cache, an INSERT in the database) and `create()` draws again when that
    fails, so the check adds a round trip and nothing else. 32 characters from 36 give 165 bits."""

    def _get_new_session_key(self) -> str:
        return random_string(32, VALID_KEY_CHARS)
