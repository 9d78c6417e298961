"""The operator's brand from settings alone: colours checked against WCAG AA, the stylesheet that carries them, and
same-origin checks for the logo and favicon.

Colours reach pages only through the CSS custom properties of static/signup/theme.css, overridden by /brand.css:
no inline style, so the Content-Security-Policy stays strict.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings

AA_TEXT = 4.5
WHITE = "#ffffff"
# The backgrounds of theme.css that coloured text sits on, the harder of card and canvas in each theme: the light
# canvas (footer links), the dark card. Keep them in step with theme.css.
LIGHT_BACKGROUND = "#f3f4f8"
DARK_BACKGROUND = "#1c1e24"
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalise_hex(value: str) -> str | None:
    """#abc or #aabbcc, lower-cased to six digits; None for anything else."""
    if not _HEX.match(value):
        return None
    digits = value[1:].lower()
    return "#" + ("".join(2 * digit for digit in digits) if len(digits) == 3 else digits)


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _mix(colour: str, other: str, share: float) -> str:
    """`share` of `other` mixed into `colour`, in sRGB."""
    mixed = [round(int(colour[i : i + 2], 16) * (1 - share) + int(other[i : i + 2], 16) * share) for i in (1, 3, 5)]
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def dark_text_tint(colour: str) -> str:
    """The colour lightened just enough to be readable as text on the dark theme's background (links, the current
    step): a colour dark enough to carry white text can never be read on a dark background as it is."""
    for step in range(21):
        tint = _mix(colour, WHITE, step / 20)
        if contrast(tint, DARK_BACKGROUND) >= AA_TEXT:
            return tint
    return WHITE


@dataclass(frozen=True)
class ContrastFailure:
    setting: str
    colour: str
    what: str
    ratio: float

    @property
    def message(self) -> str:
        return (
            f"{self.setting} {self.colour}: {self.what} has a contrast ratio of {self.ratio:.2f}:1; "
            f"WCAG AA needs at least {AA_TEXT}:1."
        )


def contrast_failures(setting: str, colour: str) -> list[ContrastFailure]:
    """What fails AA when `colour` fills buttons (white text on it, both themes), is text on the light background,
    and (as its dark tint) text on the dark background."""
    pairs = (
        ("white text on it", WHITE, colour),
        ("it as text on the light theme's background", colour, LIGHT_BACKGROUND),
        ("its tint as text on the dark theme's background", dark_text_tint(colour), DARK_BACKGROUND),
    )
    return [
        ContrastFailure(setting, colour, what, round(ratio, 2))
        for what, foreground, background in pairs
        if (ratio := contrast(foreground, background)) < AA_TEXT
    ]


def same_origin_problem(url: str) -> str | None:
    """Why a logo or favicon URL is refused: the page's CSP (img-src 'self') and privacy allow only this origin."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return "it points to another origin; use a path on this site (e.g. /static/brand/logo.svg)"
    if not url.startswith("/") or url.startswith("//"):
        return "it must be an absolute path starting with a single /"
    return None


def asset_url(value: str) -> str:
    """A setting that is a path (/static/…) as it is, or a static file name (brand/logo.svg) through staticfiles."""
    if not value or value.startswith("/") or "://" in value:
        return value
    from django.templatetags.static import static

    return static(value)


@lru_cache(maxsize=4)
def _stylesheet(primary: str, accent: str) -> str:
    light, dark = [], []
    if primary:
        light += [f"--portal-accent: {primary};", f"--portal-link: {primary};", f"--portal-step: {primary};"]
        dark += [f"--portal-link: {dark_text_tint(primary)};", f"--portal-step: {dark_text_tint(primary)};"]
    if accent:
        light += [f"--portal-brand-accent: {accent};"]
    rules = [":root { " + " ".join(light) + " }"] if light else []
    if dark:
        rules.append("@media (prefers-color-scheme: dark) { :root { " + " ".join(dark) + " } }")
    return "/* SIGNUP_BRAND_* colours (signup/branding.py) */\n" + "\n".join(rules) + "\n"


def stylesheet() -> str:
    """The CSS custom properties the brand colours override (empty rules when none is set)."""
    primary = normalise_hex(settings.SIGNUP_BRAND_PRIMARY_COLOR) or ""
    accent = normalise_hex(settings.SIGNUP_BRAND_ACCENT_COLOR) or ""
    return _stylesheet(primary, accent)


def has_colours() -> bool:
    return bool(settings.SIGNUP_BRAND_PRIMARY_COLOR or settings.SIGNUP_BRAND_ACCENT_COLOR)


def stylesheet_url() -> str:
    """/brand.css versioned by its content, or "" when no colour is set (no extra request)."""
    if not has_colours():
        return ""
    from django.urls import reverse

    return reverse("brand-css") + "?v=" + hashlib.sha256(stylesheet().encode()).hexdigest()[:12]


def favicon_url() -> str:
    from django.templatetags.static import static

    return asset_url(settings.SIGNUP_BRAND_FAVICON_URL) or static("signup/favicon.svg")
