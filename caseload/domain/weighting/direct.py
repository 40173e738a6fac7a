"""Direct weighting (WMT tier table): points per case type × tier, a young-adult row, keep-% for flagged cases.

Source: WMT §2.1–2.3 and the seed tables of §3.1–3.2.
"""

from __future__ import annotations

from decimal import Decimal

from caseload.domain.scheme import DirectWeighting, Level, WeightRow


def weight_row(weighting: DirectWeighting, flags: frozenset[str]) -> WeightRow:
    """The first row whose `when_flag` the case carries (e.g. young_adult → T2A row), else the standard row.

    Source: WMT §2.3 (T2A cases are counted with the T2A weighting row, all others with the standard row).
    """
    for row in weighting.rows:
        if row.when_flag is not None and row.when_flag in flags:
            return row
    return next(row for row in weighting.rows if row.when_flag is None)


def tier_weight(level: Level, row: WeightRow) -> Decimal:
    """Points for one case in this tier and row; a tier with no weight in the row earns 0.

    Source: WMT §2.2 (cell = n × P, untiered and "S" tiers weigh 0 in the seed).
    """
    return level.weight(row.code) or Decimal(0)


def flag_keep(
    weighting: DirectWeighting, row: WeightRow, flags: frozenset[str]
) -> tuple[str, Decimal] | None:
    """The keep-% for a flagged case (warrant, unpaid work only, overdue termination): the lowest that applies.

    X is the percentage of the tier points a flagged case still earns (X = 100 counts fully, 0 earns nothing).
    Applies only to the rows listed in `keep_applies_to`. Source: WMT §2.2 (loss(X) subtracted per flagged case).
    Caseload difference: with several flags the lowest keep-% is used once, so a case never goes below 0.
    """
    if row.code not in weighting.keep_applies_to:
        return None
    matches = [(flag, keep) for flag, keep in weighting.keep_percent if flag in flags]
    return min(matches, key=lambda match: (match[1], match[0])) if matches else None
