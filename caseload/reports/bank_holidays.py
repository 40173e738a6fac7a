"""The bank holidays that working-day timescales skip, for the engine's `holidays` arguments
(caseload.domain.performance stays pure: the dates are passed in).

`CASELOAD_BANK_HOLIDAYS` (settings; docs/deployment.md) chooses the calendar: `GB-ENG` (England and Wales,
the default), `GB-SCT`, `GB-NIR` or `none`. The dates come from the `holidays` package, which computes them
from rules (Easter, substitute days, one-off holidays it ships) on this machine: no network access. Each year
is worked out once per process."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays as calendars
from django.conf import settings

#: Setting value -> (country, subdivision) as the `holidays` package names them.
REGIONS = {"GB-ENG": ("GB", "ENG"), "GB-SCT": ("GB", "SCT"), "GB-NIR": ("GB", "NIR")}
NONE = "none"


@cache
def _year(region: str, year: int) -> frozenset[dt.date]:
    if region == NONE:
        return frozenset()
    if region not in REGIONS:
        raise ValueError(f"unknown bank holiday calendar {region!r} (use {', '.join([*REGIONS, NONE])})")
    country, subdivision = REGIONS[region]
    return frozenset(calendars.country_holidays(country, subdiv=subdivision, years=year))


@cache
def _years(region: str, first_year: int, last_year: int) -> frozenset[dt.date]:
    return frozenset().union(*(_year(region, year) for year in range(first_year, last_year + 1)))


def bank_holidays(first: dt.date, last: dt.date, region: str | None = None) -> frozenset[dt.date]:
    """The bank holidays of every year from `first`'s to `last`'s, in `region` (else the setting)."""
    chosen = region if region is not None else settings.CASELOAD_BANK_HOLIDAYS
    return _years(chosen, first.year, last.year)
