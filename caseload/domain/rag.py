"""RAG bands: which of the scheme's bands a workload percentage falls in."""

from __future__ import annotations

from decimal import Decimal

from caseload.domain.scheme import RagBand


def rag_band(bands: tuple[RagBand, ...], percent: Decimal) -> RagBand:
    """The first band whose bound the exact percentage meets (`< below` or `<= up_to`); else the last band.

    Defaults (scheme-data, see scheme_parser_extra.DEFAULT_RAG): under 85 blue, 85–100 green, over 100 up to
    110 amber, over 110 red. Source: social-care §7.4 (four bands as the 2005 WMT; red above 110 %), WMT §2.6.
    """
    for band in bands:
        if band.below is not None and percent < band.below:
            return band
        if band.up_to is not None and percent <= band.up_to:
            return band
    return bands[-1]
