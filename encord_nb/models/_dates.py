"""Reading and writing the dates found in Encord JSON.

Models keep dates as the strings they arrived as (so a round trip is exact); these two helpers turn
them into aware datetimes and back. Month and day names are English whatever the process locale.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name.lower(): i + 1 for i, name in enumerate(_MONTHS)}
# "Mon, 11 Mar 2024 11:21:36 UTC" (also "GMT"); the day name is informative only.
_LONG = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:UTC|GMT)\s*$")


def parse_datetime(value: str | datetime) -> datetime:
    """Read an Encord date string into a timezone-aware datetime.

    Accepts the long form the SDK writes (``"Mon, 11 Mar 2024 11:21:36 UTC"``, also with ``GMT``),
    ``"2024-03-05 11:03:21"`` and ISO 8601. Dates without a zone are taken as UTC.

    Example:
        >>> parse_datetime("Tue, 05 Mar 2024 11:03:21 GMT").isoformat()
        '2024-03-05T11:03:21+00:00'

    Raises:
        ValueError: the string is in none of these formats.
    """
    if isinstance(value, datetime):
        parsed = value
    else:
        match = _LONG.match(value)
        if match:
            day, month, year, hour, minute, second = match.groups()
            month_number = _MONTH_NUMBER.get(month.lower())
            if month_number is None:
                raise ValueError(f"unknown month name {month!r} in date {value!r}")
            parsed = datetime(int(year), month_number, int(day), int(hour), int(minute), int(second))
        else:
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"{value!r} is not an Encord date (expected e.g. 'Mon, 11 Mar 2024 11:21:36 UTC')") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_datetime(value: datetime) -> str:
    """Write a datetime the way the Encord SDK does: ``"Mon, 11 Mar 2024 11:21:36 UTC"``.

    Aware datetimes are converted to UTC; naive ones are taken to be UTC already.

    Example:
        >>> format_datetime(datetime(2024, 3, 11, 11, 21, 36))
        'Mon, 11 Mar 2024 11:21:36 UTC'
    """
    utc = value.astimezone(timezone.utc) if value.tzinfo else value
    return (
        f"{_DAYS[utc.weekday()]}, {utc.day:02d} {_MONTHS[utc.month - 1]} {utc.year:04d} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} UTC"
    )
