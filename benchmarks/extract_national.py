"""A national-scale WMT extract workbook (probation-wmt-model.md §7), generated deterministically (seeded),
at the scale of benchmarks/national.py: 12 regions, 110 PDUs, 1,500 teams, about 12,000 officers (1 % in a
second team) holding about 250,000 cases, with the flag sheets, court reports, support contacts and the
sheets Caseload reads past (omic_teams, suspended_lifers, t2a_detail).

Pure Python and XlsxWriter (no Django): `write_extract(path, seed)` or

    uv run python benchmarks/extract_national.py var/WMT_PS_national.xlsx

Sheet and column names are written as nDelius writes them (`WMT_Extract`, `V-CRN_Count`, `CommTierA3`…);
Caseload cleans them as WMT does. Zero counts are left blank (WMT reads nulls as 0), as a real extract's
sparse cells are, which keeps the file under the import's 20 MB limit. Dates are relative to `today`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

SEED = 20261123
REGIONS, PDUS, TEAMS, OFFICERS = 12, 110, 1_500, 12_000
CASES = 250_000
SECOND_TEAM_SHARE = 0.01
T2A_SHARE = 0.08  # of community and licence cases: counted on the t2a sheet instead
INACTIVE_SHARE = 0.04  # on wmt_extract only (the filtered sheet drops them)
FLAG_SHARES = {"Flag_Warr_4_N": ("W", 0.02), "Flag_UPW": ("U", 0.03), "Flag_O_Due": ("O", 0.01),
               "Flag_Priority": ("P", 0.02), "WMT_Extract_SA": ("S", 0.01)}  # fmt: skip
CMS_CONTACTS = 16_000
GRADES = (("M", 5), ("PSQ", 4), ("TPO", 1), ("SPO", 0))  # WMT grade codes and weights (one SPO a team)
LOCATIONS = (("Comm", "Community", 62), ("Licence", "Licence", 22), ("Cust", "Custody", 16))
TIERS = [f"{letter}{digit}" for letter in "ABCD" for digit in (3, 2, 1, 0)]
SLOTS = ["0", *TIERS, *(f"{t}S" for t in TIERS)]  # §2.1: slot 0 untiered, 1–16 tiers, 17–32 unsupervised
TIER_WEIGHTS = [3, *([4, 5, 6, 5] * 4), *([1] * 16)]
IDENTITY = ["Trust", "Region_Desc", "Region_Code", "PDU_Desc", "PDU_Code", "LDU_Desc", "LDU_Code", "Team_Desc",
            "Team_Code", "OM_Surname", "OM_Forename", "OM_Key", "OM_Grade_Code"]  # fmt: skip
COUNTS = [f"{prefix}Tier{slot}" for prefix, _name, _w in LOCATIONS for slot in SLOTS]
COUNT_HEADER = [*IDENTITY, *COUNTS, "ComIn1st16Weeks", "LicIn1st16Weeks", "DateStamp", "V-CRN_Count"]
FLAG_HEADER = ["Row_Type", "Case_Ref_No", "Tier_Code", "Team_Code", "OM_Grade_Code", "OM_Key", "Location"]
SA_HEADER = [*FLAG_HEADER, "Disposal_Type_Desc", "Disposal_Type_Code", "StandAlone_Order"]
COURT_HEADER = [*IDENTITY, "OM_Team_Staff_Grade", "SDR_Last_30", "SDR_Due_Next_30", "SDR_Conv_Last_30",
                "Oral_Reports", "DateStamp"]  # fmt: skip
CMS_HEADER = ["Contact_ID", "CRN", "Contact_Date", "Contact_Type_Code", "Contact_Type_Desc", "Contact_Staff_Name",
              "Contact_Staff_Key", "Contact_Staff_Grade", "Contact_Team_Key", "Contact_Provider_Code", "OM_Name",
              "OM_Key", "OM_Grade", "OM_Team_Key", "OM_Provider_Code"]  # fmt: skip
LIFER_HEADER = [*FLAG_HEADER, "In_Custody", "Register_Code", "Register_Description", "Registration_Date"]
T2A_DETAIL_HEADER = ["CRN", "Event_No", "Allocation_Date", "OM_Team", "OM_Staff", "Birth_Date", "Age"]
SURNAMES = ("Okoro", "Patel", "Quinn", "Hughes", "Begum", "Nowak", "Evans", "Murphy", "Ali", "Clarke")
FORENAMES = ("Sam", "Alex", "Jo", "Priya", "Tom", "Ewa", "Dele", "Ruth", "Omar", "Kim")


@dataclass
class Officer:
    key: str
    team: tuple[str, str, str, str, str, str]  # region code/desc, pdu code/desc, team code/desc
    grade: str
    surname: str
    forename: str
    cells: dict[str, int]  # count column → filtered count
    young: dict[str, int]  # count column → t2a count


def officers(rng: random.Random) -> list[Officer]:
    """The tree and the officers, with their cases spread over cells (a PSO's caseload is lower-tier)."""
    pdu_region = sorted(rng.randrange(REGIONS) for _ in range(PDUS - REGIONS)) + list(range(REGIONS))
    team_pdu = sorted(rng.randrange(PDUS) for _ in range(TEAMS - PDUS)) + list(range(PDUS))
    teams = []
    for t, p in enumerate(sorted(team_pdu), start=1):
        r = sorted(pdu_region)[p] + 1
        teams.append((f"R{r:02d}", f"Region {r}", f"P{p + 1:03d}", f"PDU {p + 1}", f"T{t:04d}", f"Team {t}"))
    people: list[Officer] = []
    for n in range(OFFICERS):
        team = teams[n % TEAMS]
        grade = "SPO" if n < TEAMS else rng.choices([g for g, _ in GRADES], [w for _, w in GRADES])[0]
        people.append(
            Officer(f"N{n + 1:06d}", team, grade, rng.choice(SURNAMES), rng.choice(FORENAMES), {}, {})
        )
    for officer in rng.sample(people[TEAMS:], int(OFFICERS * SECOND_TEAM_SHARE)):
        people.append(
            Officer(officer.key, rng.choice(teams), officer.grade, officer.surname, officer.forename, {}, {})
        )
    holders = [o for o in people if o.grade != "SPO"]
    shares = [1.3 if o.grade == "PSQ" else 0.6 if o.grade == "TPO" else 1.0 for o in holders]
    for officer in rng.choices(holders, shares, k=CASES):
        prefix = rng.choices([p for p, _n, _w in LOCATIONS], [w for _p, _n, w in LOCATIONS])[0]
        slot = rng.choices(SLOTS, TIER_WEIGHTS)[0]
        column = f"{prefix}Tier{slot}"
        young = prefix != "Cust" and rng.random() < T2A_SHARE
        target = officer.young if young else officer.cells
        target[column] = target.get(column, 0) + 1
    return people


def rows_of(sheet: str, people: list[Officer], rng: random.Random, today: dt.date) -> Iterator[list[object]]:
    stamp = f"{today.isoformat()} 06:00:00"

    def identity(o: Officer) -> list[object]:
        r_code, r_desc, p_code, p_desc, t_code, t_desc = o.team
        return ["NPS", r_desc, r_code, p_desc, p_code, p_desc, p_code, t_desc, t_code, o.surname, o.forename, o.key,
                o.grade]  # fmt: skip

    if sheet in ("WMT_Extract", "WMT_Extract_Filtered", "T2A"):
        for o in people:
            cells = o.young if sheet == "T2A" else o.cells
            if sheet == "T2A" and not cells:
                continue
            counts = dict(cells)
            if sheet == "WMT_Extract":  # all cases, inactive ones too
                for column in cells:
                    counts[column] += sum(rng.random() < INACTIVE_SHARE for _ in range(cells[column]))
            total = sum(counts.values())
            yield [
                *identity(o),
                *(counts.get(c) or None for c in COUNTS),
                total // 8 or None,
                None,
                stamp,
                total,
            ]
    elif sheet == "Court_Reports":
        for o in people:
            if o.grade in ("M", "TPO"):
                yield [*identity(o), o.grade, rng.choice((0, 0, 1, 1, 2, 3)), rng.choice((0, 1, 2)),
                       rng.choice((0, 0, 1, 2)), rng.choice((0, 0, 1)), stamp]  # fmt: skip
    elif sheet in FLAG_SHARES:
        row_type, share = FLAG_SHARES[sheet]
        number = 0
        for o in people:
            for column, count in sorted(o.cells.items()):
                for _ in range(sum(rng.random() < share for _ in range(count))):
                    number += 1
                    prefix, slot = column.split("Tier")
                    location = next(name for p, name, _w in LOCATIONS if p == prefix)
                    crn = f"{row_type}{number:07d}"
                    row = [row_type, crn, SLOTS.index(slot), o.team[4], o.grade, o.key, location]
                    yield row + (["Suspended sentence", "SSO", "Y"] if sheet == "WMT_Extract_SA" else [])
    elif sheet == "CMS":
        holders = [o for o in people if o.cells]
        for n in range(CMS_CONTACTS):
            holder = rng.choice(holders)
            doer = rng.choice(holders)
            day = today - dt.timedelta(days=rng.randrange(30))
            code = f"CMS{rng.randrange(1, 10):02d}"
            yield [f"C{n + 1:07d}", f"X{rng.randrange(1_000_000, 9_999_999)}", f"{day.isoformat()} 10:00:00", code,
                   "Support contact", f"{doer.forename} {doer.surname}", doer.key, doer.grade, doer.team[4], "N01",
                   f"{holder.forename} {holder.surname}", holder.key, holder.grade, holder.team[4], "N01"]  # fmt: skip
    elif sheet == "OMIC_Teams":
        for o in people[:: OFFICERS // 300]:
            yield [*identity(o), *(None for _ in COUNTS), None, None, stamp, 0]
    elif sheet == "Suspended_Lifers":
        for n, o in enumerate(people[:: OFFICERS // 500]):
            yield ["L", f"L{n + 1:07d}", 5, o.team[4], o.grade, o.key, "Licence", "N", "LIFE", "Lifer",
                   f"{today.year - 10}-01-01 00:00:00"]  # fmt: skip
    elif sheet == "T2A_Detail":
        for n, o in enumerate(people[:: OFFICERS // 2000]):
            yield [f"Y{n + 1:07d}", 1, f"{today.year}-01-05 00:00:00", o.team[4], o.key,
                   f"{today.year - 20}-06-01 00:00:00", 20]  # fmt: skip


SHEETS = {
    "WMT_Extract": COUNT_HEADER, "WMT_Extract_Filtered": COUNT_HEADER, "T2A": COUNT_HEADER,
    "Court_Reports": COURT_HEADER, **dict.fromkeys(list(FLAG_SHARES)[:4], FLAG_HEADER),
    "WMT_Extract_SA": SA_HEADER, "CMS": CMS_HEADER, "OMIC_Teams": COUNT_HEADER,
    "Suspended_Lifers": LIFER_HEADER, "T2A_Detail": T2A_DETAIL_HEADER,
}  # fmt: skip


def write_extract(path: Path, seed: int = SEED, today: dt.date | None = None) -> dict[str, int]:
    """Write the workbook; returns the rows per sheet. The same seed and day write the same workbook."""
    today = today or dt.date.today()  # noqa: DTZ011 - a file's date, no time zone involved
    rng = random.Random(seed)
    people = officers(rng)
    counts: dict[str, int] = {}
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for sheet, header in SHEETS.items():
        worksheet = book.add_worksheet(sheet)
        worksheet.write_row(0, 0, header)
        number = 0
        for number, row in enumerate(rows_of(sheet, people, rng, today), start=1):
            for column, value in enumerate(row):
                if value is not None:
                    worksheet.write(number, column, value)
        counts[sheet] = number
    book.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = write_extract(args.path, args.seed)
    size = args.path.stat().st_size / 1024 / 1024
    print(
        f"{args.path}: {size:.1f} MB in {time.perf_counter() - started:.1f} s; rows {counts}", file=sys.stderr
    )


if __name__ == "__main__":
    main()
