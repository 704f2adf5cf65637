"""seed-demo: 方庄街道 with every role, idempotent, through the same services as real use."""
from __future__ import annotations

import sqlalchemy as sa

from courtyard.seeding import demo as seed
from courtyard.accounts.models import User
from courtyard.extensions import db
from courtyard.places.models import Building, Membership, MembershipStatus
from courtyard.places.payloads import me_json

from .conftest import table_counts

EVERY_ROLE = {"street_admin", "community_staff", "secretary", "building_lead", "resident",
              "property_staff", "department_staff"}


def test_seeding_twice_adds_nothing(cli):
    first = cli("seed-demo")
    counts = table_counts()
    codes = sorted(db.session.scalars(sa.select(Building.invite_code)))

    second = cli("seed-demo")

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "Added now:" in first.stdout
    assert "Nothing added: the demo data was already there." in second.stdout
    assert table_counts() == counts
    assert sorted(db.session.scalars(sa.select(Building.invite_code))) == codes
    assert counts["communities"] >= 3 and counts["buildings"] >= 5
    assert counts["courtyards"] == counts["buildings"]
    assert f"password is {seed.PASSWORD}" in second.stdout


def test_the_demo_street_has_buildings_of_12_to_24_flats_of_realistic_size(cli):
    cli("seed-demo")

    for building in db.session.scalars(sa.select(Building)):
        assert 12 <= len(building.units) <= 24, building.name
        assert all(55 <= u.area_m2 <= 120 for u in building.units), building.name
        assert building.property_org is not None


def test_every_role_has_a_demo_account_and_one_resident_waits_for_approval(cli):
    cli("seed-demo")

    users = {u.login: u for u in db.session.scalars(sa.select(User))}
    assert set(users) == {login for login, _, _ in seed.PEOPLE}
    roles = {login: set(me_json(user)["roles"]) for login, user in users.items()}
    assert set().union(*roles.values()) == EVERY_ROLE
    assert "street_admin" in roles["admin"] and "secretary" in roles["secretary"]
    assert roles["pending"] == set()
    pending = db.session.scalars(sa.select(Membership).where(Membership.user_id == users["pending"].id)).one()
    assert pending.status == MembershipStatus.pending
    residents = db.session.scalars(sa.select(Membership).where(
        Membership.role == "resident", Membership.status == MembershipStatus.active)).all()
    assert {m.is_owner for m in residents} == {True, False}  # owners and tenants
    assert all(len(u.phone) == 11 for u in users.values())


def test_the_demo_secretary_logs_in_and_sees_their_courtyards(cli, client):
    cli("seed-demo")

    login = client.post("/api/v1/auth/token", json={"login": "secretary", "password": seed.PASSWORD})
    assert login.status_code == 201, login.get_data(as_text=True)
    token = login.get_json()["token"]
    courtyards = client.get("/api/v1/courtyards", headers={"Authorization": f"Bearer {token}"})

    assert courtyards.status_code == 200
    names = {c["name"] for c in courtyards.get_json()["items"]}
    assert names == {"芳古园一区社区 · 1号楼", "芳古园一区社区 · 2号楼"}


def test_the_pending_resident_sees_no_courtyard_until_approved(cli, client):
    cli("seed-demo")

    login = client.post("/api/v1/auth/token", json={"login": "pending", "password": seed.PASSWORD})
    token = login.get_json()["token"]
    courtyards = client.get("/api/v1/courtyards", headers={"Authorization": f"Bearer {token}"})

    assert courtyards.get_json()["items"] == []


def test_seeding_after_someone_took_the_admin_login_fails_clearly(cli, make):
    make.user("admin")

    result = cli("seed-demo")

    assert result.exit_code == 1
    assert "'admin' exists and is not a street administrator" in result.stderr
