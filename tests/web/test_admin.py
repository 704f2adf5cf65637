"""Administration pages: street administrators everywhere, community staff in their community, no one else."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from courtyard.accounts.models import User
from courtyard.extensions import db
from courtyard.places.models import (Building, Community, CommunityStaff, Membership, Organization,
                                     OrganizationMember, Role, Unit)


def _rows(model) -> list:
    db.session.rollback()  # read what the requests committed
    return list(db.session.scalars(sa.select(model).order_by(model.id)))


def _admin_paths(cy, org) -> list[str]:
    return ["/admin", "/admin/communities", f"/admin/communities/{cy.building.community_id}",
            f"/admin/buildings/{cy.building_id}", "/admin/organizations", f"/admin/organizations/{org.id}",
            "/admin/users"]


@pytest.mark.parametrize("role", ["resident", "secretary", "building_lead", "org_staff"])
def test_admin_pages_are_forbidden_to_residents_and_organizations(english, make, role):
    cy = make.courtyard()
    org = make.organization()
    user = make.org_staff(org) if role == "org_staff" else make.member(cy, role)
    english.login(user)
    assert 'href="/admin"' not in english.text("/notifications")
    for path in _admin_paths(cy, org):
        r = english.get(path)
        assert r.status_code == 403, path
        assert "This page is not for you" in r.text
    posts = {"/admin/communities": {"name": "新社区"},
             f"/admin/communities/{cy.building.community_id}/buildings": {"name": "9号楼"},
             f"/admin/buildings/{cy.building_id}/units": {"units-units": "999, 50"},
             "/admin/organizations": {"name": "某物业", "kind": "property"},
             "/admin/users": {"login": "newperson", "password": "longenough-1", "display_name": "新人"}}
    for path, data in posts.items():
        assert english.post(path, data).status_code == 403, path
    assert len(_rows(Community)) == 1 and len(_rows(Building)) == 1 and len(_rows(Organization)) == 1
    assert len(_rows(Unit)) == 4
    assert not db.session.scalar(sa.select(sa.exists().where(User.login == "newperson")))


def test_unknown_ids_are_not_found(english, make):
    english.login(make.street_admin())
    for path in ("/admin/communities/999", "/admin/buildings/999", "/admin/organizations/999"):
        assert english.get(path).status_code == 404, path


def test_the_street_administrator_sees_every_admin_page(english, make):
    cy = make.courtyard()
    org = make.organization()
    english.login(make.street_admin())
    assert 'href="/admin"' in english.text("/courtyards")
    for path in _admin_paths(cy, org):
        assert english.get(path).status_code == 200, path


def test_creating_a_community(english, make):
    english.login(make.street_admin())
    r = english.post("/admin/communities", {"name": "芳城园一区社区"})
    assert r.status_code == 302
    [community] = _rows(Community)
    assert r.headers["Location"] == f"/admin/communities/{community.id}"
    assert "Community 芳城园一区社区 created." in english.text(r.headers["Location"])


@pytest.mark.parametrize("name, message", [("", "This field is required."), ("芳", "Already exists.")])
def test_a_bad_community_name_is_named_and_nothing_is_stored(english, make, name, message):
    make.community("芳")
    english.login(make.street_admin())
    r = english.post("/admin/communities", {"name": name})
    assert r.status_code == 422
    assert 'id="name-error"' in r.text and message in r.text
    assert len(_rows(Community)) == 1


def test_creating_a_building_with_its_flats_typed_as_lines(english, make):
    community = make.community()
    org = make.organization("方庄物业")
    english.login(make.street_admin())
    r = english.post(f"/admin/communities/{community.id}/buildings", {
        "name": "3号楼", "property_org_id": str(org.id),
        "units": "1单元101, 85.5\n\n1单元102，90\r\n1单元201 72.35㎡\n"})
    assert r.status_code == 302
    [building] = _rows(Building)
    assert building.property_org_id == org.id and building.courtyard is not None
    assert [(u.label, u.area_m2) for u in building.units] == [
        ("1单元101", Decimal("85.50")), ("1单元102", Decimal("90.00")), ("1单元201", Decimal("72.35"))]
    page = english.text(r.headers["Location"])
    assert "3号楼 created with 3 flats." in page
    assert building.invite_code in page and "方庄物业" in page


def test_bad_flat_lines_are_named_by_line_number_and_nothing_is_stored(english, make):
    community = make.community()
    english.login(make.street_admin())
    r = english.post(f"/admin/communities/{community.id}/buildings", {
        "name": "3号楼", "units": "101, 85.5\n\n102\n101, 70\n103, -4"})
    assert r.status_code == 422
    assert 'id="units-error"' in r.text
    assert "Line 3: Must be a number." in r.text
    assert "Line 4: Listed twice." in r.text
    assert "Line 5: Must be greater than 0 and at most 100000." in r.text
    assert "102\n101, 70" in r.text  # what was typed is kept
    assert _rows(Building) == []


def test_a_department_cannot_manage_a_building(english, make):
    community = make.community()
    department = make.organization("城管委", kind="department")
    english.login(make.street_admin())
    r = english.post(f"/admin/communities/{community.id}/buildings", {
        "name": "3号楼", "property_org_id": str(department.id)})
    assert r.status_code == 422
    assert 'id="property_org_id-error"' in r.text
    assert _rows(Building) == []


def test_adding_flats_and_refusing_a_flat_that_exists(english, make):
    cy = make.courtyard(units=2)
    english.login(make.street_admin())
    r = english.post(f"/admin/buildings/{cy.building_id}/units", {"units-units": "301, 60\n302, 61.5"})
    assert r.status_code == 302
    assert len(_rows(Unit)) == 4
    existing = cy.building.units[0].label
    r = english.post(f"/admin/buildings/{cy.building_id}/units", {"units-units": f"401, 60\n{existing}, 70"})
    assert r.status_code == 422
    assert "Line 2: Already exists." in r.text
    assert len(_rows(Unit)) == 4
    r = english.post(f"/admin/buildings/{cy.building_id}/units", {"units-units": "  \n"})
    assert r.status_code == 422 and "Type one flat per line." in r.text


def test_setting_the_property_company(english, make):
    cy = make.courtyard()
    org = make.organization("方庄物业")
    english.login(make.street_admin())
    r = english.post(f"/admin/buildings/{cy.building_id}/property", {"property-property_org_id": str(org.id)})
    assert r.status_code == 302
    assert _rows(Building)[0].property_org_id == org.id
    r = english.post(f"/admin/buildings/{cy.building_id}/property", {"property-property_org_id": "99999"})
    assert r.status_code == 422 and "Not a property company." in r.text
    assert _rows(Building)[0].property_org_id == org.id


def test_appointing_a_secretary_by_login(english, make):
    cy = make.courtyard()
    person = make.user("wangxl", display_name="王秀兰")
    english.login(make.street_admin())
    r = english.post(f"/admin/buildings/{cy.building_id}/members",
                     {"member-login": "WangXL", "member-role": "secretary", "member-unit_id": ""})
    assert r.status_code == 302
    [m] = _rows(Membership)
    assert (m.user_id, m.role) == (person.id, Role.secretary)
    r = english.post(f"/admin/buildings/{cy.building_id}/members",
                     {"member-login": "nobody", "member-role": "resident", "member-unit_id": ""})
    assert r.status_code == 422
    assert 'id="member-login-error"' in r.text and "No such user." in r.text
    assert 'id="member-unit_id-error"' in r.text
    assert len(_rows(Membership)) == 1


def test_organizations_their_staff_and_the_community_staff(english, make):
    community = make.community()
    person = make.user("maqiang", display_name="马强")
    english.login(make.street_admin())
    r = english.post("/admin/organizations", {"name": "北京方庄物业管理有限公司", "kind": "property"})
    assert r.status_code == 302
    [org] = _rows(Organization)
    r = english.post(f"/admin/organizations/{org.id}/members", {"login": "maqiang"})
    assert r.status_code == 302
    assert [m.user_id for m in _rows(OrganizationMember)] == [person.id]
    assert "马强" in english.text(f"/admin/organizations/{org.id}")
    r = english.post(f"/admin/organizations/{org.id}/members", {"login": "ghost"})
    assert r.status_code == 422 and "No such user." in r.text
    r = english.post("/admin/organizations", {"name": "", "kind": "bank"})
    assert r.status_code == 422
    assert 'id="name-error"' in r.text and 'id="kind-error"' in r.text
    assert len(_rows(Organization)) == 1
    r = english.post(f"/admin/communities/{community.id}/staff", {"staff-login": "maqiang"})
    assert r.status_code == 302
    assert [s.user_id for s in _rows(CommunityStaff)] == [person.id]


def test_community_staff_work_only_in_their_community(english, make):
    mine, other = make.community(), make.community()
    staff = make.community_staff(mine)
    english.login(staff)
    assert english.get(f"/admin/communities/{mine.id}").status_code == 200
    assert english.get(f"/admin/communities/{other.id}").status_code == 403
    assert english.get("/admin/organizations").status_code == 403
    assert 'href="/admin/organizations"' not in english.text("/admin")
    r = english.post(f"/admin/communities/{mine.id}/buildings", {"name": "5号楼", "units": "101, 60"})
    assert r.status_code == 302
    assert english.post(f"/admin/communities/{other.id}/buildings", {"name": "6号楼"}).status_code == 403
    assert english.post(f"/admin/communities/{mine.id}/staff", {"staff-login": staff.login}).status_code == 403
    assert [b.name for b in _rows(Building)] == ["5号楼"]


def test_accounts_search_and_create(english, make):
    make.user("zhangsan", display_name="张三", phone="13512345678")
    make.user("lisi", display_name="李四")
    english.login(make.community_staff(make.community()))
    html = english.text("/admin/users?q=张")
    assert "zhangsan" in html and "lisi" not in html
    assert "1 account" in html
    assert "zhangsan" in english.text("/admin/users?q=5678")
    assert "No one found." in english.text("/admin/users?q=%25")
    r = english.post("/admin/users", {"display_name": "赵大妈", "login": "zhaodm", "password": "longenough-1",
                                      "phone": "13700002222"})
    assert r.status_code == 302
    assert "Account zhaodm created for 赵大妈." in english.text(r.headers["Location"])
    r = english.post("/admin/users", {"display_name": "", "login": "zhaodm", "password": "short", "phone": "x"})
    assert r.status_code == 422
    for field in ("display_name", "login", "password", "phone"):
        assert f'id="{field}-error"' in r.text, field
    assert len(_rows(User)) == 4
    assert english.get("/admin/users?page=abc").status_code == 200
    assert english.get("/admin/users?page=99999999999999999999").status_code == 200
