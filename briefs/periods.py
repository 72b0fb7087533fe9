"""Data periods, `YYYY-MM`: the one place that reads, orders and counts them.

Params, the data schema, the reconciliation, the key figures and the formats all speak
of periods; each asks here, so '2026-10' means the same month everywhere.
"""

from __future__ import annotations

import datetime as dt

# ASCII digits only: `\d` would also accept Arabic-Indic or Devanagari digits.
PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# The periods a brief shows over time, ending at the meeting's: the trend chart, BPU growth
# and the participants agents acquired. The data check warns about any of them missing.
SERIES = 12


def first_day(period: str) -> dt.date:
    """'2026-10' -> 1 October 2026."""
    year, month = period.split("-")
    return dt.date(int(year), int(month), 1)


def index(period: str) -> int:
    """Months since year 0, so that consecutive periods differ by one: '2026-10' -> 24322."""
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def from_index(n: int) -> str:
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def ending(period: str, count: int) -> list[str]:
    """The `count` periods ending at `period`, oldest first: ('2026-02', 3) -> 2025-12, 2026-01, 2026-02."""
    end = index(period)
    return [from_index(n) for n in range(end - count + 1, end + 1)]
