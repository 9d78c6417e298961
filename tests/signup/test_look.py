"""The page's furniture: the step indicator, addresses kept left to right inside right-to-left text."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_sign_up_page_marks_the_first_step_as_current(client):
    page = client.get("/signup/").content.decode()

    assert '<ol class="steps__list">' in page
    assert 'aria-current="step"><span class="steps__number" aria-hidden="true">1</span>' in page
    assert page.count('aria-current="step"') == 1


def test_the_resume_page_is_on_the_confirm_step(client):
    page = client.get("/signup/resume/").content.decode()

    assert 'aria-current="step"><span class="steps__number" aria-hidden="true">2</span>' in page


def test_an_email_address_stays_left_to_right_in_the_delivery_sentence():
    template = Template('{% include "signup/_delivery.html" %}')
    delivery = {"medium": "EMAIL", "destination": "a***@e***", "attribute": "email"}

    with translation.override("ar"):
        html = template.render(Context({"delivery": delivery}))

    assert '<bdi dir="ltr">a***@e***</bdi>' in html


def test_the_destination_is_still_escaped():
    template = Template('{% include "signup/_delivery.html" %}')

    html = template.render(Context({"delivery": {"medium": "SMS", "destination": "<b>+1</b>"}}))

    assert "&lt;b&gt;+1&lt;/b&gt;" in html


def test_email_and_phone_inputs_are_left_to_right(client, settings):
    from signup.models import AttributeField

    AttributeField.objects.create(attribute_name="phone_number", label="Phone", input_type="tel", position=20)

    page = client.get("/signup/").content.decode()

    assert 'type="email"' in page
    assert page.count('dir="ltr"') >= 2


def test_arabic_pages_are_right_to_left(client):
    page = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert '<html lang="ar" dir="rtl">' in page
