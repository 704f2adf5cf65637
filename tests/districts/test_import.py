"""import-places with the optional 片区 column: communities put into their districts, old sheets
still valid, contradictions refused with their lines and nothing stored."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.places.importer import ImportRejected, import_csv
from courtyard.places.models import Community, District

HEADER = "社区,楼栋,门牌,建筑面积,物业公司,片区\n"


def test_a_sheet_puts_its_communities_into_their_districts(app):
    result = import_csv((HEADER + "芳古园一区社区,1号楼,101,58.6,方庄物业,芳古片区\n"
                                  "芳古园二区社区,3号楼,101,62.0,方庄物业,芳古片区\n"
                                  "芳城园一区社区,12号楼,101,70.1,,芳城片区\n").encode())
    assert result.created["districts"] == 2 and result.created["communities"] == 3
    by_name = {c.name: c.district.name for c in db.session.scalars(sa.select(Community))}
    assert by_name == {"芳古园一区社区": "芳古片区", "芳古园二区社区": "芳古片区", "芳城园一区社区": "芳城片区"}
    again = import_csv((HEADER + "芳古园一区社区,1号楼,101,58.6,方庄物业,芳古片区\n").encode())
    assert not again.changed and again.present["districts"] == 1


def test_old_sheets_stay_valid_and_a_later_sheet_assigns_the_district(app):
    import_csv("社区,楼栋,门牌,建筑面积\n芳群园一区社区,2号楼,101,60\n".encode())
    assert db.session.scalar(sa.select(Community.district_id)) is None
    result = import_csv((HEADER + "芳群园一区社区,2号楼,101,60,,芳群片区\n").encode())
    assert result.districts_assigned == 1 and "put into their district: 1" in result.summary()
    assert db.session.scalar(sa.select(Community)).district.name == "芳群片区"


def test_contradictions_are_refused_by_line_and_nothing_is_stored(app):
    with pytest.raises(ImportRejected) as err:
        import_csv((HEADER + "芳星园一区社区,1号楼,101,60,,芳星片区\n芳星园一区社区,1号楼,102,60,,紫芳片区\n").encode())
    assert [line for line, _ in err.value.problems] == [3] and "two districts" in err.value.problems[0][1]
    assert db.session.scalar(sa.select(sa.func.count(District.id))) == 0
    import_csv((HEADER + "芳星园一区社区,1号楼,101,60,,芳星片区\n").encode())
    with pytest.raises(ImportRejected) as err:
        import_csv((HEADER + "芳星园一区社区,1号楼,101,60,,紫芳片区\n").encode())
    assert "does not move a community" in err.value.problems[0][1]
    assert db.session.scalar(sa.select(sa.func.count(District.id))) == 1
    with pytest.raises(ImportRejected) as err:
        import_csv((HEADER + f"芳星园一区社区,1号楼,101,60,,{'片' * 65}\n").encode())
    assert err.value.problems[0][0] == 2
