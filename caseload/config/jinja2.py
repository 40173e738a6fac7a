"""The Jinja2 environment: GOV.UK Frontend macros, Django's url/static helpers and a few formatting filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, StrictUndefined, Undefined


def url(viewname: str, *args: Any, query: dict[str, Any] | None = None, **kwargs: Any) -> str:
    """reverse() with positional or keyword arguments and an optional query string."""
    path = reverse(viewname, args=args or None, kwargs=kwargs or None)
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def number(value: int | float | Decimal | None, places: int = 0) -> str:
    """A number with thousands separators; a dash for missing values."""
    if value is None:
        return "–"
    return f"{value:,.{places}f}"


def uk_date(value: Any, fmt: str = "j M Y") -> str:
    """A date in GOV.UK style (e.g. 4 Jun 2026); a dash when missing."""
    return date_format(value, fmt) if value else "–"


def environment(**options: Any) -> Environment:
    """Build the Jinja2 environment Django uses for every app's jinja2/ templates."""
    loader = options.pop("loader")
    options.setdefault("undefined", StrictUndefined if options.get("debug") else Undefined)
    options.update(
        loader=ChoiceLoader(
            [loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env = Environment(**options)  # noqa: S701 (autoescape is set above)
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
        }
    )
    env.filters.update({"number": number, "uk_date": uk_date})
    return env
