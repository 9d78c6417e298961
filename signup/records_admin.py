"""The sign-up records in the admin: read only (no add, change or delete: only `manage.py purgesignups` removes
them), with the "Sign-ups" page (a chart of the last 30 days or 24 hours and the same numbers in a table) and a CSV
export of the records for a date range."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from signup import chart, signup_stats
from signup.models import SignUpRecord

CSV_COLUMNS = (
    "user_sub",
    "created_at",
    "confirmed_at",
    "delivery_medium",
    "language",
    "risk_data",
    "consent_versions",
    "outcome_codes",
)
MAX_EXPORT_DAYS = 3660


class ExportForm(forms.Form):
    """The export's date range (UTC days, both included)."""

    error_messages = {
        "order": gettext_lazy("The first day must not be after the last day."),
        "too_long": gettext_lazy("Export at most ten years at a time."),
    }
    date_from = forms.DateField(label=gettext_lazy("From"), input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(label=gettext_lazy("To"), input_formats=["%Y-%m-%d"])

    def __init__(self, data: Any = None) -> None:
        # ?from=…&to=… are the public names; Python cannot call a field "from".
        super().__init__(None if data is None else {"date_from": data.get("from"), "date_to": data.get("to")})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(first, date) and isinstance(last, date):
            if first > last:
                raise forms.ValidationError(self.error_messages["order"], code="order")
            if (last - first).days > MAX_EXPORT_DAYS:
                raise forms.ValidationError(self.error_messages["too_long"], code="too_long")
        return cleaned


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(first: date, last: date) -> Iterator[str]:
    start = datetime.combine(first, time.min, tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    records = SignUpRecord.objects.filter(created_at__gte=start, created_at__lt=end).order_by("created_at", "id")
    for record in records.iterator(chunk_size=2000):
        yield writer.writerow(
            (
                record.user_sub,
                record.created_at.isoformat(),
                record.confirmed_at.isoformat() if record.confirmed_at else "",
                record.delivery_medium,
                record.language,
                "true" if record.risk_data else "false",
                json.dumps(record.consent_versions, sort_keys=True),
                " ".join(record.outcome_codes) if isinstance(record.outcome_codes, list) else "",
            )
        )


_SERIES = (
    ("shown", gettext_lazy("Forms shown"), "#6b7280", "2 4"),
    ("submitted", gettext_lazy("Valid submissions"), "#b45309", "8 4"),
    ("registered", gettext_lazy("Registrations"), "#1d4ed8", ""),
    ("confirmed", gettext_lazy("Confirmations"), "#047857", ""),
)


def _bucket_label(span: str, start: datetime) -> str:
    return start.strftime("%H:00") if span == "24h" else start.strftime("%m-%d")


def overview_context(span: signup_stats.Span) -> dict[str, Any]:
    overview = signup_stats.signup_overview(span=span)
    series = [
        chart.Series(name, str(label), tuple(getattr(b, name) for b in overview.buckets), colour, dash)
        for name, label, colour, dash in _SERIES
    ]
    labels = [_bucket_label(span, bucket.start) for bucket in overview.buckets]
    rows = [(labels[i], overview.buckets[i]) for i in range(len(labels))]
    totals = {name: overview.total(name) for name, *_ in _SERIES}
    return {"overview": overview, "chart": chart.chart_build(series, labels), "rows": rows, "totals": totals}


@admin.register(SignUpRecord)
class SignUpRecordAdmin(admin.ModelAdmin):
    list_display = ("user_sub", "created_at", "confirmed_at", "delivery_medium", "language", "risk_data")
    list_filter = ("delivery_medium", "risk_data", "language")
    search_fields = ("user_sub",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        overview = self.admin_site.admin_view(self.overview_view)
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("overview/", overview, name="signup_signuprecord_overview"),
            path("export/", export, name="signup_signuprecord_export"),
            *super().get_urls(),
        ]

    def overview_view(self, request: HttpRequest, export_form: ExportForm | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        span: signup_stats.Span = "24h" if request.GET.get("span") == "24h" else "30d"
        today = datetime.now(UTC).date()
        context = {
            **self.admin_site.each_context(request),
            **overview_context(span),
            "title": _("Sign-ups"),
            "span": span,
            "export_form": export_form,
            "export_from": (today - timedelta(days=29)).isoformat(),
            "export_to": today.isoformat(),
            "records_url": reverse("admin:signup_signuprecord_changelist"),
        }
        status = 400 if export_form is not None else 200
        return TemplateResponse(request, "admin/signup/signuprecord/overview.html", context, status=status)

    def export_view(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ExportForm(request.GET)
        if not form.is_valid():
            return self.overview_view(request, export_form=form)
        first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        response = StreamingHttpResponse(_csv_rows(first, last), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="signups-{first}-{last}.csv"'
        return response
