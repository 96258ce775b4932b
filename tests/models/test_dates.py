"""Date strings: every format the platform sends is read; the SDK's long form is written."""

from __future__ import annotations

import locale
from datetime import datetime, timedelta, timezone

import pytest

from encord_nb.models import format_datetime, parse_datetime

UTC = timezone.utc


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mon, 11 Mar 2024 11:21:36 UTC", datetime(2024, 3, 11, 11, 21, 36, tzinfo=UTC)),
        ("Wed, 18 May 2022 14:07:14 GMT", datetime(2022, 5, 18, 14, 7, 14, tzinfo=UTC)),
        ("2024-03-05 11:03:21", datetime(2024, 3, 5, 11, 3, 21, tzinfo=UTC)),
        ("2024-05-01T10:00:00+00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2025-05-01T23:53:59+10:00", datetime(2025, 5, 1, 13, 53, 59, tzinfo=UTC)),
    ],
)
def test_reads_every_known_format_as_aware_utc(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected and parsed.tzinfo is not None


def test_writes_the_long_form_in_utc():
    # Given an aware datetime at +02:00, then it is written in UTC in the SDK's long form.
    value = datetime(2024, 3, 11, 13, 21, 36, tzinfo=timezone(timedelta(hours=2)))
    assert format_datetime(value) == "Mon, 11 Mar 2024 11:21:36 UTC"
    assert parse_datetime(format_datetime(value)) == value


def test_writes_english_names_whatever_the_locale():
    # Given a non-English locale (when the system has one), then day and month names stay English.
    previous = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8", "C"):
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    try:
        assert format_datetime(datetime(2024, 12, 1, 8, 0, 0)) == "Sun, 01 Dec 2024 08:00:00 UTC"
    finally:
        locale.setlocale(locale.LC_TIME, previous)


def test_rejects_text_that_is_no_date():
    with pytest.raises(ValueError, match="not an Encord date"):
        parse_datetime("yesterday-ish")
