"""The case category and level codes the demo data and the test factories use, in one place so they can be
aligned with the scheme presets later. They mirror the scheme codes; the schemes themselves stay data."""

from __future__ import annotations

PROBATION = "probation"
CHILDREN = "children"
ADULT = "adult"

# Probation: risk of serious harm letter (A highest) and change-and-control number (3 highest).
PROBATION_CATEGORIES = ("community", "licence", "custody")
TIER_LETTERS = ("A", "B", "C", "D")
TIER_NUMBERS = ("3", "2", "1", "0")
PROBATION_TIERS = tuple(f"{letter}{number}" for letter in TIER_LETTERS for number in TIER_NUMBERS)
UNSUPERVISED_SUFFIX = "S"
PROBATION_UNSUPERVISED_TIERS = tuple(f"{tier}{UNSUPERVISED_SUFFIX}" for tier in PROBATION_TIERS)
UNTIERED = ""
PROBATION_LEVELS = (*PROBATION_TIERS, *PROBATION_UNSUPERVISED_TIERS, UNTIERED)

# Children's social care and adult community care: complexity 1 (lowest) to 3.
COMPLEXITY_LEVELS = ("1", "2", "3")
CHILDREN_CATEGORIES = (
    "child_in_need",
    "child_protection",
    "looked_after_child",
    "care_leaver",
    "court_proceedings",
)
ADULT_CATEGORIES = ("assessment", "review", "safeguarding_enquiry", "dols")

CATEGORIES: dict[str, tuple[str, ...]] = {
    PROBATION: PROBATION_CATEGORIES,
    CHILDREN: CHILDREN_CATEGORIES,
    ADULT: ADULT_CATEGORIES,
}
LEVELS: dict[str, tuple[str, ...]] = {
    PROBATION: PROBATION_LEVELS,
    CHILDREN: COMPLEXITY_LEVELS,
    ADULT: COMPLEXITY_LEVELS,
}

# Case-management-support contact types (CMS01 to CMS36).
CMS_CONTACT_TYPES = tuple(f"CMS{n:02d}" for n in range(1, 37))
