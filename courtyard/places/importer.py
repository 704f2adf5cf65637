"""import-places: the sheet of communities, buildings and units that community staff keep in Excel.

All or nothing. Every row is checked against the rest of the file and against the database
before anything is written; a file with any bad row raises ImportRejected naming each bad
row by line number, and nothing is stored. Things already present (matched by name) are
left as they are, so importing the same file twice changes nothing. The accepted headers,
encodings and delimiters are described in docs/import-places.md.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..validation import Fields
from .models import Building, Community, District, Organization, OrgKind, Unit
from .services import (BUILDING_NAME_MAX, COMMUNITY_NAME_MAX, ORG_NAME_MAX, UNIT_LABEL_MAX, check_area,
                       new_building)

# Column → the header names a sheet may use for it, compared after `_header_key`
# (NFKC, lower case, "(unit)" suffixes and spaces/underscores folded).
HEADERS = {
    "community": ("community", "社区", "社区名称", "所属社区"),
    "building": ("building", "楼栋", "楼号", "楼栋号", "楼宇", "楼栋名称", "楼名"),
    "unit": ("unit", "unit label", "label", "门牌", "户号", "门牌/户号", "门牌号", "房号", "房间号",
             "门牌号/户号"),
    "area_m2": ("area_m2", "area", "floor area", "建筑面积", "面积", "房屋面积", "户建筑面积"),
    "property_company": ("property_company", "property company", "物业公司", "物业", "物业服务企业",
                         "物业管理公司", "物业服务公司"),
    "district": ("district", "片区", "所属片区", "片区名称", "片区治理服务站"),
}
REQUIRED = ("community", "building", "unit", "area_m2")
SHOWN = {"community": "社区/community", "building": "楼栋/building", "unit": "门牌/户号/unit",
         "area_m2": "建筑面积(㎡)/area_m2", "property_company": "物业公司/property_company",
         "district": "片区/district"}
DISTRICT_NAME_MAX = 64
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}
HEADER_SEARCH_ROWS = 5  # a title row or two above the header is common in office sheets


class ImportRejected(Exception):
    """The file was not imported. `problems` is [(line number or None for the whole file, reason)]."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        super().__init__(f"import rejected: {len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Row:
    line: int
    community: str
    building: str
    unit: str
    area: Decimal
    company: str | None
    district: str | None = None


@dataclass
class ImportResult:
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    companies_assigned: int = 0
    districts_assigned: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or self.companies_assigned or self.districts_assigned)

    def summary(self) -> str:
        lines = [f"{self.rows} rows read" + (f" ({self.encoding}, {self.delimiter}-separated)"
                                             if self.encoding else "")]
        if self.skipped_lines:
            lines.append("lines above the header, skipped: " + ", ".join(map(str, self.skipped_lines)))
        if self.ignored_columns:
            lines.append("columns ignored: " + ", ".join(self.ignored_columns))
        for what in ("districts", "communities", "buildings", "units", "property companies"):
            lines.append(f"  {what + ':':<20}{self.created[what]:>5} created, "
                         f"{self.present[what]:>5} already present")
        if self.companies_assigned:
            lines.append(f"  existing buildings given their property company: {self.companies_assigned}")
        if self.districts_assigned:
            lines.append(f"  existing communities put into their district: {self.districts_assigned}")
        if not self.changed:
            lines.append("Nothing to change: everything in the file is already in the database.")
        return "\n".join(lines)


def import_csv(data: bytes) -> ImportResult:
    """Check the whole sheet, then write it in one transaction. Raises ImportRejected."""
    rows, problems, result = parse(data)
    _write(_plan(rows, problems), result)
    return result


def import_records(records: list[dict[str, str]]) -> ImportResult:
    """The same checks and writes for rows given as {column: text}, numbered from 1 (the demo seed)."""
    columns = {column: i for i, column in enumerate(HEADERS)}
    rows, problems = [], []
    for line, record in enumerate(records, start=1):
        row, reasons = _check_row(line, [record.get(c) or "" for c in HEADERS], columns, {})
        problems.extend((line, reason) for reason in reasons)
        rows.extend([row] if row else [])
    result = ImportResult(rows=len(records))
    _write(_plan(rows, problems), result)
    return result


# --- reading the file ---------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """Text and the name of its encoding: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8):], "utf-8"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16"), "UTF-16"  # Excel's "Unicode text"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # GB18030 is a superset of GBK and GB2312, which Excel on Chinese Windows writes.
    return _decode(data, "gb18030"), "GB18030/GBK"


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1 if encoding != "utf-16" else None
        raise ImportRejected([(line, "this is not text in UTF-8, GBK/GB18030 or UTF-16 "
                                     "(in Excel, save the sheet as \"CSV UTF-8\")")]) from None


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()
    text = re.sub(r"\(.*?\)", "", text)  # 建筑面积(㎡), Area (m²): NFKC made full-width brackets ASCII
    return re.sub(r"[\s_]+", " ", text).strip()


_HEADER_KEYS = {_header_key(name): column for column, names in HEADERS.items() for name in names}


def _columns(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        column = _HEADER_KEYS.get(_header_key(cell))
        if column and column not in found:
            found[column] = i
    return found


def _records(text: str, delimiter: str, strict: bool = True):
    """(first line number, cells) for each record; a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise ImportRejected([(reader.line_num or start, f"unreadable CSV: {err}")]) from None
        yield start, cells
        start = reader.line_num + 1


def _blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _find_header(text: str) -> tuple[str, int, list[str], dict[str, int]]:
    """The delimiter, the header's line, its cells and the columns it names.

    The header is the first of the first few non-blank rows naming every required column;
    the delimiter is the one of comma, tab and semicolon under which it does.
    """
    best = None
    for delimiter in DELIMITERS:
        seen = 0
        for line, cells in _records(text, delimiter, strict=False):
            if _blank(cells):
                continue
            columns = _columns(cells)
            if all(c in columns for c in REQUIRED):
                if best is None or line < best[1]:
                    best = (delimiter, line, cells, columns)
                break
            seen += 1
            if seen >= HEADER_SEARCH_ROWS:
                break
    if best is not None:
        return best
    first = next(((line, cells) for line, cells in _records(text, ",", strict=False) if not _blank(cells)),
                 None)
    if first is None:
        raise ImportRejected([(None, "the file is empty")])
    line, cells = first
    found = _columns(cells)
    missing = [c for c in REQUIRED if c not in found]
    names = ", ".join(SHOWN[c] for c in missing)
    raise ImportRejected([(line, f"no header row naming every column; missing: {names} "
                                 "(accepted header names: docs/import-places.md)")])


def _clean_area(raw: str) -> str:
    """"85.5", "85.5㎡", "８５.５ 平方米" → "85.5"; anything else is left for check_area to refuse."""
    text = unicodedata.normalize("NFKC", raw).strip()
    return re.sub(r"\s*(m2|平方米|平米)$", "", text, flags=re.IGNORECASE)


def parse(data: bytes) -> tuple[list[Row], list[tuple[int, str]], ImportResult]:
    """The rows that pass the field checks and the problems of those that do not.

    Raises ImportRejected for a file that cannot be read at all (encoding, header, quoting).
    """
    text, encoding = decode(data)
    delimiter, header_line, header, columns = _find_header(text)
    result = ImportResult(encoding=encoding, delimiter=DELIMITERS[delimiter])
    result.ignored_columns = [h.strip() for i, h in enumerate(header)
                              if h.strip() and i not in columns.values()]
    labels = {column: header[i].replace("\ufeff", "").strip() for column, i in columns.items()}
    rows, problems = [], []
    for line, cells in _records(text, delimiter):
        if line < header_line:
            if not _blank(cells):
                result.skipped_lines.append(line)
            continue
        if line == header_line or _blank(cells):
            continue
        row, reasons = _check_row(line, cells, columns, labels)
        if reasons:
            problems.extend((line, reason) for reason in reasons)
        else:
            rows.append(row)
        result.rows += 1
    if not result.rows:
        raise ImportRejected([(header_line, "the header is there but no rows follow it")])
    return rows, problems, result


def _check_row(line: int, cells: list[str], columns: dict[str, int], labels: dict[str, str]):
    def cell(column):
        i = columns.get(column)
        return cells[i] if i is not None and i < len(cells) else ""

    f = Fields()
    community = f.text("community", cell("community"), max_len=COMMUNITY_NAME_MAX)
    building = f.text("building", cell("building"), max_len=BUILDING_NAME_MAX)
    unit = f.text("unit", cell("unit"), max_len=UNIT_LABEL_MAX)
    area = None
    if f.text("area_m2", cell("area_m2"), max_len=32):
        area = check_area(f, "area_m2", _clean_area(cell("area_m2")))
    company = f.text("property_company", cell("property_company"), max_len=ORG_NAME_MAX, required=False)
    district = f.text("district", cell("district"), max_len=DISTRICT_NAME_MAX, required=False)
    reasons = []
    for column, message in f.errors.items():
        value = "".join(c if c.isprintable() else "\ufffd" for c in cell(column).strip()[:40])
        shown = f' "{value}"' if value else ""
        reasons.append(f"{labels.get(column, column)}{shown}: {message}")
    if reasons:
        return None, reasons
    return Row(line, community, building, unit, area, company or None, district or None), []


# --- checking against the file and the database, then writing ----------------------------

@dataclass
class _Plan:
    communities: dict[str, Community | None]  # name → existing, or None to create
    organizations: dict[str, Organization | None]
    buildings: dict[tuple[str, str], tuple[Building | None, str | None]]  # → (existing, company)
    units: list[Row]  # rows whose unit is new
    units_present: int
    districts: dict[str, District | None] = field(default_factory=dict)  # name → existing, or None to create
    district_of: dict[str, str] = field(default_factory=dict)  # community name → district name (set if unset)


def _plan(rows: list[Row], problems: list[tuple[int | None, str]]) -> _Plan:
    """What to create; ImportRejected with `problems` and every clash within the file or with the database."""
    problems = list(problems)
    first_unit: dict[tuple[str, str, str], int] = {}
    company_of: dict[tuple[str, str], tuple[str, int]] = {}
    district_line: dict[str, tuple[str, int]] = {}
    for row in rows:
        key = (row.community, row.building, row.unit)
        if key in first_unit:
            problems.append((row.line, f"unit {row.unit} of {row.community} {row.building} is listed twice "
                                       f"(first on line {first_unit[key]})"))
            continue
        first_unit[key] = row.line
        if row.company:
            b = (row.community, row.building)
            if b in company_of and company_of[b][0] != row.company:
                name, line = company_of[b]
                problems.append((row.line, f"{row.community} {row.building} is listed with two property "
                                           f"companies: {name} (line {line}) and {row.company}"))
            company_of.setdefault(b, (row.company, row.line))
        if row.district:
            if row.community in district_line and district_line[row.community][0] != row.district:
                name, line = district_line[row.community]
                problems.append((row.line, f"{row.community} is listed in two districts: {name} (line {line}) "
                                           f"and {row.district}"))
            district_line.setdefault(row.community, (row.district, row.line))

    community_names = {r.community for r in rows}
    communities = {c.name: c for c in db.session.scalars(
        sa.select(Community).where(Community.name.in_(community_names)))}
    organizations = {o.name: o for o in db.session.scalars(
        sa.select(Organization).where(Organization.name.in_({r.company for r in rows if r.company})))}
    buildings = {(b.community.name, b.name): b for b in db.session.scalars(
        sa.select(Building).join(Community).where(Community.name.in_(community_names)))}
    units = {(u.building.community.name, u.building.name, u.label): u for u in db.session.scalars(
        sa.select(Unit).where(Unit.building_id.in_([b.id for b in buildings.values()] or [-1])))}

    plan = _Plan({}, {}, {}, [], 0)
    districts = {d.name: d for d in db.session.scalars(
        sa.select(District).where(District.name.in_({r.district for r in rows if r.district})))}
    for community_name, (district_name, line) in district_line.items():
        existing = communities.get(community_name)
        if existing is not None and existing.district is not None and existing.district.name != district_name:
            problems.append((line, f"{community_name} belongs to {existing.district.name}; the file says "
                                   f"{district_name} (the import does not move a community to another district)"))
        plan.districts.setdefault(district_name, districts.get(district_name))
        if existing is None or existing.district is None:
            plan.district_of[community_name] = district_name
    for row in rows:
        b_key = (row.community, row.building)
        org = organizations.get(row.company) if row.company else None
        if org is not None and org.kind != OrgKind.property:
            problems.append((row.line, f"{row.company} is a department, not a property company"))
        building = buildings.get(b_key)
        if building is not None and row.company and building.property_org is not None \
                and building.property_org.name != row.company:
            problems.append((row.line, f"{row.community} {row.building} is managed by "
                                       f"{building.property_org.name}; the file says {row.company} "
                                       "(the import does not change a building's property company)"))
        unit = units.get((row.community, row.building, row.unit))
        if unit is not None and Decimal(unit.area_m2) != row.area:
            problems.append((row.line, f"unit {row.unit} of {row.community} {row.building} is recorded with "
                                       f"{Decimal(unit.area_m2):.2f} m², the file says {row.area:.2f} m² "
                                       "(the import does not change areas: they weigh votes)"))
        plan.communities.setdefault(row.community, communities.get(row.community))
        if row.company:
            plan.organizations.setdefault(row.company, org)
        existing, company = plan.buildings.get(b_key, (building, None))
        plan.buildings[b_key] = (existing, company or row.company)
        if unit is None:
            plan.units.append(row)
        else:
            plan.units_present += 1
    if problems:
        raise ImportRejected(sorted(dict.fromkeys(problems), key=lambda p: p[0] or 0))
    return plan


def _write(plan: _Plan, result: ImportResult) -> None:
    """Create what is missing, in one transaction; a failure leaves nothing behind."""
    try:
        communities = {name: existing or Community(name=name) for name, existing in plan.communities.items()}
        orgs = {name: existing or Organization(name=name, kind=OrgKind.property)
                for name, existing in plan.organizations.items()}
        db.session.add_all([*communities.values(), *orgs.values()])
        _count(result, "communities", plan.communities)
        _count(result, "property companies", plan.organizations)
        districts = {name: existing or District(name=name) for name, existing in plan.districts.items()}
        db.session.add_all(districts.values())
        _count(result, "districts", plan.districts)
        for community, district in plan.district_of.items():
            if plan.communities.get(community) is not None:
                result.districts_assigned += 1
            communities[community].district = districts[district]
        _count(result, "buildings", {key: existing for key, (existing, _) in plan.buildings.items()})
        buildings = {}
        for (community, name), (existing, company) in plan.buildings.items():
            org = orgs[company] if company else None
            if existing is None:
                existing = new_building(communities[community], name, org)
            elif org is not None and existing.property_org is None:
                existing.property_org = org
                result.companies_assigned += 1
            buildings[(community, name)] = existing
        db.session.add_all([Unit(building=buildings[(row.community, row.building)], label=row.unit,
                                 area_m2=row.area) for row in plan.units])
        result.created["units"] += len(plan.units)
        result.present["units"] += plan.units_present
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportRejected([(None, "someone changed the same places while the file was imported; "
                                     "nothing was written, please run it again")]) from None
    except BaseException:
        db.session.rollback()
        raise


def _count(result: ImportResult, what: str, existing: dict) -> None:
    for obj in existing.values():
        (result.present if obj is not None else result.created)[what] += 1
