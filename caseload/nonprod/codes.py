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

# Children's social care and adult community care: each category has its own levels (lowest first), as the
# children-services and adult-community-care presets define them.
CHILDREN_CATEGORIES = (
    "child-in-need",
    "child-protection",
    "looked-after-child",
    "care-leaver",
    "court-proceedings",
)
ADULT_CATEGORIES = ("assessment", "review", "safeguarding-enquiry", "dols")
THREE_LEVELS = ("level-1", "level-2", "level-3")
SOCIAL_CARE_LEVELS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(CHILDREN_CATEGORIES, THREE_LEVELS),
    "care-leaver": ("level-1", "level-2"),
    "assessment": ("standard", "complex"),
    "review": ("planned", "unplanned"),
    "safeguarding-enquiry": THREE_LEVELS,
    "dols": ("standard", "review"),
}

CATEGORIES: dict[str, tuple[str, ...]] = {
    PROBATION: PROBATION_CATEGORIES,
    CHILDREN: CHILDREN_CATEGORIES,
    ADULT: ADULT_CATEGORIES,
}


def levels_for(service: str, category: str) -> tuple[str, ...]:
    """The level codes a case of this service and category may have, lowest first for social care."""
    return PROBATION_LEVELS if service == PROBATION else SOCIAL_CARE_LEVELS[category]


# Case-management-support contact types of the probation-2022 scheme (CMS40 to CMS51).
CMS_CONTACT_TYPES = tuple(f"CMS{n:02d}" for n in range(40, 52))
