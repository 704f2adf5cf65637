"""import-places: the community staff's sheet, all or nothing (docs/import-places.md)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.places.models import Building, Community, Organization, OrgKind, Unit

from .conftest import table_counts

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "places.csv"
HEADER = "社区,楼栋,门牌/户号,建筑面积(㎡),物业公司\n"
SHEET = HEADER + (
    "芳古园一区社区,1号楼,1单元101,58.60,北京方庄物业管理有限责任公司\n"
    "芳古园一区社区,1号楼,1单元102,86.30,北京方庄物业管理有限责任公司\n"
    "芳古园一区社区,2号楼,1单元101,67.2,北京方庄物业管理有限责任公司\n"
    "芳群园四区社区,3号楼,2单元402,81.7,北京芳华物业服务有限公司\n"
)


@pytest.fixture
def sheet(tmp_path):
    """sheet(text or bytes, encoding="utf-8") → the path of a CSV file holding it."""
    def write(content, encoding="utf-8", name="places.csv"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return write


def places() -> dict:
    """{(community, building): (property company or None, {unit label: area})}."""
    out = {}
    for b in db.session.scalars(sa.select(Building)):
        out[(b.community.name, b.name)] = (b.property_org.name if b.property_org else None,
                                           {u.label: u.area_m2 for u in b.units})
    return out


EXPECTED = {
    ("芳古园一区社区", "1号楼"): ("北京方庄物业管理有限责任公司", {"1单元101": Decimal("58.60"),
                                                               "1单元102": Decimal("86.30")}),
    ("芳古园一区社区", "2号楼"): ("北京方庄物业管理有限责任公司", {"1单元101": Decimal("67.20")}),
    ("芳群园四区社区", "3号楼"): ("北京芳华物业服务有限公司", {"2单元402": Decimal("81.70")}),
}


def test_a_good_sheet_creates_communities_buildings_courtyards_units_and_companies(cli, sheet):
    result = cli("import-places", sheet(SHEET))

    assert result.exit_code == 0, result.output
    assert places() == EXPECTED
    for building in db.session.scalars(sa.select(Building)):
        assert building.courtyard is not None and building.courtyard.id
        assert len(building.invite_code) == 8
    assert {o.kind for o in db.session.scalars(sa.select(Organization))} == {OrgKind.property}
    out = result.stdout
    assert "4 rows read (UTF-8, comma-separated)" in out
    assert "communities:            2 created,     0 already present" in out
    assert "buildings:              3 created,     0 already present" in out
    assert "units:                  4 created,     0 already present" in out
    assert "property companies:     2 created,     0 already present" in out


def test_the_example_sheet_in_docs_imports(cli):
    result = cli("import-places", EXAMPLE)

    assert result.exit_code == 0, result.output
    counts = table_counts()
    assert counts["buildings"] == counts["courtyards"] == 3
    assert counts["units"] == len(EXAMPLE.read_text(encoding="utf-8").strip().splitlines()) - 1


def test_importing_the_same_sheet_again_changes_nothing_and_says_so(cli, sheet):
    path = sheet(SHEET)
    cli("import-places", path)
    before, codes = table_counts(), sorted(db.session.scalars(sa.select(Building.invite_code)))

    again = cli("import-places", path)

    assert again.exit_code == 0, again.output
    assert table_counts() == before
    assert sorted(db.session.scalars(sa.select(Building.invite_code))) == codes
    assert "units:                  0 created,     4 already present" in again.stdout
    assert "Nothing to change" in again.stdout


@pytest.mark.parametrize("encoding, shown", [("utf-8-sig", "UTF-8 with BOM"), ("gbk", "GB18030/GBK"),
                                             ("gb18030", "GB18030/GBK"), ("utf-16", "UTF-16")])
def test_excel_encodings_are_read(cli, sheet, encoding, shown):
    """Excel writes UTF-8 with a BOM ("CSV UTF-8"), GBK on Chinese Windows, UTF-16 for "Unicode text"."""
    result = cli("import-places", sheet(SHEET, encoding))

    assert result.exit_code == 0, result.output
    assert f"({shown}, comma-separated)" in result.stdout
    assert places() == EXPECTED


@pytest.mark.parametrize("delimiter, shown", [("\t", "tab"), (";", "semicolon")])
def test_tab_and_semicolon_sheets_with_english_headers(cli, sheet, delimiter, shown):
    text = "\n".join(delimiter.join(cells) for cells in [
        ("Community", "Building", "Unit", "Area (m²)", "Property company"),
        ("芳古园一区社区", "1号楼", "1单元101", "58.6", "北京方庄物业管理有限责任公司"),
        ("芳古园一区社区", "1号楼", "1单元102", "86.30", "北京方庄物业管理有限责任公司"),
        ("芳古园一区社区", "2号楼", "1单元101", "67.20", "北京方庄物业管理有限责任公司"),
        ("芳群园四区社区", "3号楼", "2单元402", "81.70", "北京芳华物业服务有限公司"),
    ]) + "\n"

    result = cli("import-places", sheet(text))

    assert result.exit_code == 0, result.output
    assert f"{shown}-separated" in result.stdout
    assert places() == EXPECTED


def test_title_rows_extra_columns_blank_lines_and_written_units_are_tolerated(cli, sheet):
    text = ("方庄街道芳古园一区社区房屋台账（2026年）,,,,,\n"
            ",,,,,\n"
            "序号,社区名称,楼号,户号,建筑面积（平方米）,物业服务企业,备注\n"
            "1,芳古园一区社区,1号楼,1单元101,58.60㎡,北京方庄物业管理有限责任公司,\n"
            ",,,,,,\n"
            "2,芳古园一区社区,1号楼,1单元102,\"８６.３ 平方米\",北京方庄物业管理有限责任公司,东户\n")

    result = cli("import-places", sheet(text))

    assert result.exit_code == 0, result.output
    assert places() == {("芳古园一区社区", "1号楼"): ("北京方庄物业管理有限责任公司", {
        "1单元101": Decimal("58.60"), "1单元102": Decimal("86.30")})}
    assert "lines above the header, skipped: 1" in result.stdout
    assert "columns ignored: 序号, 备注" in result.stdout


def test_the_property_company_column_may_be_missing_or_blank(cli, sheet):
    result = cli("import-places", sheet("community,building,unit,area_m2\n芳城园二区社区,12号楼,1单元101,59.9\n"))

    assert result.exit_code == 0, result.output
    assert places() == {("芳城园二区社区", "12号楼"): (None, {"1单元101": Decimal("59.90")})}


def test_a_sheet_with_bad_rows_is_rejected_whole_naming_each_line(cli, make, sheet):
    make.organization("丰台区城市管理委员会", kind="department")
    before = table_counts()
    text = HEADER + (
        "芳古园一区社区,1号楼,1单元101,58.60,北京方庄物业管理有限责任公司\n"       # 2 fine
        ",1号楼,1单元102,86.30,北京方庄物业管理有限责任公司\n"                   # 3 no community
        "芳古园一区社区,1号楼,1单元103,0,北京方庄物业管理有限责任公司\n"           # 4 area 0
        "芳古园一区社区,1号楼,1单元104,八十,北京方庄物业管理有限责任公司\n"        # 5 not a number
        "芳古园一区社区,1号楼,1单元101,58.60,北京方庄物业管理有限责任公司\n"       # 6 listed twice
        "芳古园一区社区,1号楼,1单元105,-12,北京方庄物业管理有限责任公司\n"         # 7 negative
        "芳古园一区社区,1号楼,1单元106,60,北京芳华物业服务有限公司\n"              # 8 second company
        "芳古园一区社区,2号楼,1单元101,67.2,丰台区城市管理委员会\n"                # 9 a department
        "芳古园一区社区,2号楼,,67.2,北京方庄物业管理有限责任公司\n"               # 10 no unit
        "芳古园一区社区,3号楼,1单元101,100001,北京方庄物业管理有限责任公司\n"      # 11 too large
        f"芳古园一区社区,{'楼' * 65},1单元101,60,\n"                              # 12 name too long
        "芳古园一区社区,3号楼,1单元102,60,北京方庄物业管理有限责任公司\n"          # 13 fine
    )

    result = cli("import-places", sheet(text))

    assert result.exit_code == 1
    assert table_counts() == before  # nothing written: not even the good rows
    err = result.stderr
    assert "was not imported; nothing was written" in err
    problems = [line.strip() for line in err.splitlines()[1:]]
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12)]
    assert "line 3: 社区: This field is required." in problems
    assert 'line 4: 建筑面积(㎡) "0": Must be greater than 0 and at most 100000.' in problems
    assert 'line 5: 建筑面积(㎡) "八十": Must be a number.' in problems
    assert "line 6: unit 1单元101 of 芳古园一区社区 1号楼 is listed twice (first on line 2)" in problems
    assert 'line 7: 建筑面积(㎡) "-12": Must be greater than 0 and at most 100000.' in problems
    assert ("line 8: 芳古园一区社区 1号楼 is listed with two property companies: "
            "北京方庄物业管理有限责任公司 (line 2) and 北京芳华物业服务有限公司") in problems
    assert "line 9: 丰台区城市管理委员会 is a department, not a property company" in problems
    assert "line 10: 门牌/户号: This field is required." in problems
    assert 'line 11: 建筑面积(㎡) "100001": Must be greater than 0 and at most 100000.' in problems
    assert "line 12: 楼栋" in problems[-1] and "Must be at most 64 characters." in problems[-1]


def test_a_unit_recorded_with_another_area_is_an_error_and_nothing_else_is_written(cli, sheet):
    cli("import-places", sheet(SHEET))
    before = table_counts()
    changed = SHEET.replace("1单元102,86.30", "1单元102,88.00") + "芳城园二区社区,12号楼,1单元101,59.90,\n"

    result = cli("import-places", sheet(changed, name="changed.csv"))

    assert result.exit_code == 1
    assert ("line 3: unit 1单元102 of 芳古园一区社区 1号楼 is recorded with 86.30 m², the file says "
            "88.00 m²") in result.stderr
    assert table_counts() == before
    assert places() == EXPECTED


def test_an_existing_buildings_property_company_is_kept_or_filled_in_never_changed(cli, make, sheet):
    other = make.organization("北京另一家物业有限公司")
    community = make.community("芳古园一区社区")
    make.courtyard(community, name="1号楼", units=0, property_org=other)
    make.courtyard(community, name="2号楼", units=0)

    refused = cli("import-places", sheet(SHEET))

    assert refused.exit_code == 1
    assert "line 2: 芳古园一区社区 1号楼 is managed by 北京另一家物业有限公司; the file says " \
           "北京方庄物业管理有限责任公司" in refused.stderr
    assert "line 3:" in refused.stderr and "line 4:" not in refused.stderr

    result = cli("import-places", sheet(SHEET.replace("1号楼", "2号楼", 2).replace(
        "2号楼,1单元101,67.2", "2号楼,1单元103,67.2"), name="fixed.csv"))

    assert result.exit_code == 0, result.output
    building = db.session.scalars(sa.select(Building).where(Building.name == "2号楼")).one()
    assert building.property_org.name == "北京方庄物业管理有限责任公司"
    assert "existing buildings given their property company: 1" in result.stdout
    assert "buildings:              1 created,     1 already present" in result.stdout


def test_communities_are_matched_by_name(cli, make, sheet):
    make.community("芳古园一区社区")

    result = cli("import-places", sheet(SHEET))

    assert result.exit_code == 0, result.output
    assert "communities:            1 created,     1 already present" in result.stdout
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Community)) == 2


@pytest.mark.parametrize("content, line, reason", [
    (b"", "file", "the file is empty"),
    (b"\n\n", "file", "the file is empty"),
    ("楼栋,户号,面积\n1号楼,101,60\n".encode(), "line 1", "missing: 社区/community"),
    (HEADER.encode(), "line 1", "no rows follow"),
    (b"community,building,unit,area_m2\n\"x,1,2,3\n", "line 2", "unreadable CSV"),
    (b"\xef\xbb\xbfcommunity,building,unit,area_m2\n\xff\xfe,1,2,3\n", "line 2", "not text in UTF-8"),
    (b"\x81\x30\x00\xff" * 4, "line 1", "not text in UTF-8"),
])
def test_unreadable_files_are_rejected_with_a_reason(cli, sheet, content, line, reason):
    result = cli("import-places", sheet(content))

    assert result.exit_code == 1
    assert f"  {line}: " in result.stderr and reason in result.stderr, result.stderr
    assert table_counts()["communities"] == 0


def test_a_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("import-places", tmp_path / "nope.csv")

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
