"""The admin's "Sign-ups" page: numbers that match a known data set exactly, an SVG that is valid XML, a table of
the same numbers, read-only records, and the CSV export of a date range."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from pytest_django.asserts import assertContains

from signup import insights
from signup.models import SignUpRecord
from signup.seed import signup_history_seed
from signup.signup_stats import signup_overview

pytestmark = pytest.mark.django_db
URL = "/admin/signup/signuprecord/overview/"
EXPORT = "/admin/signup/signuprecord/export/"
SVG = "{http://www.w3.org/2000/svg}"


def chart_of(response) -> ET.Element:
    html = response.content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" id="signups-chart"')
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])  # raises on anything that is not well-formed XML


def counted(event: str, times: int, now: datetime) -> None:
    for _ in range(times):
        insights.count_soon(event, now=now.timestamp())


@pytest.fixture
def known_day():
    """Today: 10 forms shown, 6 valid submissions, 4 registrations (3 confirmed, 1 with risk data), 2 failures."""
    now = timezone.now()
    counted(insights.FORM_SHOWN, 10, now)
    counted(insights.SUBMITTED, 6, now)
    insights.failure_soon("username_exists", now=now.timestamp())
    insights.failure_soon("code_mismatch", now=now.timestamp())
    insights.failure_soon("code_mismatch", now=now.timestamp())
    for n in range(4):
        SignUpRecord.objects.create(
            user_sub=f"sub-{n}", created_at=now, confirmed_at=now if n < 3 else None, risk_data=n == 0
        )
    SignUpRecord.objects.create(user_sub="old", created_at=now - timedelta(days=40), confirmed_at=now)
    return now


def test_the_numbers_match_the_data_set_exactly(known_day):
    overview = signup_overview(span="30d", now=known_day)

    today = overview.buckets[-1]
    assert (today.shown, today.submitted, today.registered, today.confirmed) == (10, 6, 4, 4)
    assert (overview.registered, overview.confirmed_of_registered, overview.with_risk_data) == (4, 3, 1)
    assert (overview.confirmation_percent, overview.risk_data_percent) == (75.0, 25.0)
    assert overview.failures == (("code_mismatch", 2), ("username_exists", 1))
    assert len(overview.buckets) == 30
    assert overview.total("shown") == 10


def test_the_24_hour_view_counts_by_hour(known_day):
    overview = signup_overview(span="24h", now=known_day)

    assert len(overview.buckets) == 24
    assert (overview.buckets[-1].shown, overview.buckets[-1].registered) == (10, 4)
    assert overview.failures == (("code_mismatch", 2), ("username_exists", 1))


def test_the_page_shows_the_figures_the_chart_and_the_same_numbers_in_a_table(admin_client, known_day):
    response = admin_client.get(URL)

    assertContains(response, '<dd id="figure-confirmation-rate">75.0 %</dd>', html=True)
    assertContains(response, '<dd id="figure-risk-share">25.0 %</dd>', html=True)
    assertContains(response, '<td id="total-shown">10</td>', html=True)
    assertContains(response, '<td id="total-confirmed">4</td>', html=True)
    assertContains(response, "<code>code_mismatch</code>")
    svg = chart_of(response)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title") is not None
    assert svg.find(f"{SVG}desc") is not None
    assert len(svg.findall(f"{SVG}polyline")) == 4
    assert "style" not in {name for element in svg.iter() for name in element.attrib}


def test_the_page_renders_with_an_empty_database_and_cache(admin_client):
    response = admin_client.get(URL + "?span=24h")

    assert response.status_code == 200
    assertContains(response, '<dd id="figure-confirmation-rate">no registrations yet</dd>', html=True)
    assertContains(response, 'id="signups-no-failures"')
    assert len(chart_of(response).findall(f"{SVG}polyline")) == 4


def test_the_page_renders_with_a_year_of_seeded_data(admin_client):
    result = signup_history_seed(days=365, seed=3, now=timezone.now())

    response = admin_client.get(URL)

    assert result.records > 1000
    assert response.status_code == 200
    chart_of(response)
    assertContains(response, '<td id="total-registered">', count=1)


def test_a_cache_outage_leaves_the_page_standing(admin_client, monkeypatch, known_day):
    def down(*_, **__):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)

    response = admin_client.get(URL)

    assert response.status_code == 200
    assertContains(response, '<td id="total-registered">4</td>', html=True)


def test_the_page_and_the_export_are_for_staff_only(client):
    for url in (URL, EXPORT + "?from=2026-01-01&to=2026-01-02"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_admin_index_links_to_the_page(admin_client):
    assertContains(admin_client.get("/admin/"), f'href="{URL}"')


def test_records_cannot_be_added_changed_or_deleted_in_the_admin(admin_client):
    record = SignUpRecord.objects.create(user_sub="sub-1", created_at=timezone.now())

    assert admin_client.get("/admin/signup/signuprecord/add/").status_code == 403
    assert admin_client.post(f"/admin/signup/signuprecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(f"/admin/signup/signuprecord/{record.pk}/change/", {"user_sub": "changed"})
    assert SignUpRecord.objects.get().user_sub == "sub-1"


# --- CSV export ---------------------------------------------------------------------------------------------------


def test_the_export_streams_the_records_of_the_days_asked_for(admin_client):
    inside = datetime(2026, 3, 2, 23, 59, tzinfo=UTC)
    SignUpRecord.objects.create(user_sub="in", created_at=inside, consent_versions={"terms": "v1"})
    SignUpRecord.objects.create(user_sub="out", created_at=inside + timedelta(minutes=2))

    response = admin_client.get(EXPORT + "?from=2026-03-01&to=2026-03-02")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["user_sub", "created_at", "confirmed_at"]
    assert [row[0] for row in rows[1:]] == ["in"]
    assert rows[1][6] == '{"terms": "v1"}'


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2026-03-05&to=2026-03-01", "The first day must not be after the last day."),
        ("?from=yesterday&to=2026-03-01", "Enter a valid date."),
        ("", "This field is required."),
        ("?from=2000-01-01&to=2026-01-01", "Export at most ten years at a time."),
    ],
)
def test_a_bad_range_says_what_is_wrong_without_a_server_error(admin_client, query, message):
    response = admin_client.get(EXPORT + query)

    assert response.status_code == 400
    assertContains(response, message, status_code=400)
