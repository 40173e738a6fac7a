"""Reference data every installation starts with. Reduction reason codes are the codes the shipped scheme
presets use, so a reduction counts under whichever scheme its team uses. Administrators may edit it afterwards; the data
migration only adds rows whose code is missing, so edits survive."""

from __future__ import annotations

from decimal import Decimal

# code, name, service, default weekly hours, holds cases, newly qualified
GRADES: list[tuple[str, str, str, Decimal, bool, bool]] = [
    ("PO", "Probation officer", "probation", Decimal(37), True, False),
    ("PSO", "Probation services officer", "probation", Decimal(37), True, False),
    ("SPO", "Senior probation officer", "probation", Decimal(37), False, False),
    ("PQIP", "PQiP trainee probation officer", "probation", Decimal(37), True, True),
    ("NQO", "Newly qualified probation officer", "probation", Decimal(37), True, True),
    ("SW", "Social worker", "children", Decimal(37), True, False),
    ("SP", "Senior practitioner", "children", Decimal(37), True, False),
    ("NQSW", "Newly qualified social worker (ASYE)", "children", Decimal(37), True, True),
    ("CM", "Care manager", "adult", Decimal(37), True, False),
    ("OT", "Occupational therapist", "adult", Decimal(37), True, False),
    ("TM", "Team manager", "children", Decimal(37), False, False),
]

# code, name, category, default %, max %, months to expiry (WMT seed reasons, plus social-care ones)
REDUCTION_REASONS: list[tuple[str, str, str, Decimal | None, Decimal | None, int | None]] = [
    ("disability", "Disability", "personal", None, None, None),
    ("long-term-sickness", "Long-term sickness absence", "personal", Decimal(100), None, None),
    ("phased-return", "Phased return to work", "personal", None, None, None),
    ("pregnancy", "Pregnancy", "personal", None, None, None),
    ("maternity-leave", "Maternity leave", "personal", Decimal(100), None, 6),
    ("adoption-leave", "Adoption leave", "personal", Decimal(100), None, 6),
    ("special-leave", "Special leave", "personal", Decimal(100), None, None),
    ("trade-union", "Trade union facility time", "personal", None, Decimal(50), None),
    ("other-paid-leave", "Other paid leave (e.g. jury service)", "personal", Decimal(100), None, None),
    ("other-unpaid-leave", "Other unpaid leave", "personal", Decimal(100), None, None),
    ("other", "Other", "personal", None, None, None),
    ("pqip-0-6", "PQiP – first 6 months", "learning", Decimal(80), None, 6),
    ("pqip-6-12", "PQiP – 6 to 12 months", "learning", Decimal(60), None, 6),
    ("pqip-12-18", "PQiP – 12 to 18 months", "learning", Decimal(40), None, 6),
    ("nqo", "Newly qualified probation officer (NQO)", "learning", Decimal(20), None, 9),
    ("pso-learning", "PSO learning and development", "learning", Decimal(20), None, 6),
    ("vq3", "Vocational qualification level 3 (VQ3)", "learning", Decimal(5), None, 6),
    ("level-4-5-access", "Level 4 and level 5 access", "learning", Decimal(10), None, 6),
    (
        "asye-protected-time",
        "ASYE / newly qualified social worker protected development time",
        "learning",
        Decimal(10),
        None,
        12,
    ),
    ("co-worked-cases", "Co-worked cases", "work", None, None, None),
    ("groups-supervision", "Groups (group supervision)", "work", None, None, None),
    ("groups-induction", "Groups (induction)", "work", None, None, None),
    ("court-duty", "Court duty", "work", None, None, None),
    ("psr-court-duty", "Pre-sentence reports – court duty / sessional", "work", None, None, None),
    ("split-role", "Split role", "work", None, None, None),
    ("om-custody", "Offender management in custody – transactional work", "work", None, None, None),
    ("bia-rota", "Best interests assessor rota", "work", None, Decimal(20), None),
    ("study", "Post-qualifying study", "learning", None, Decimal(20), None),
    ("spoc-lead", "Single point of contact (SPOC) lead", "work", None, Decimal(5), None),
]
