"""Who may do what with places and people: roles × actions, as tables.

Each table lists, for every role of tests/places/world.py, exactly the places it may reach;
every other place of the world is checked as one it must NOT reach.
"""
from __future__ import annotations

import pytest

from courtyard.extensions import db
from courtyard.places import permissions

from .world import COMMUNITIES, COURTYARDS, ROLES, build_world

ALL = set(COURTYARDS)
NONE: set = set()


@pytest.fixture
def world(make):
    return build_world(make)


# --- actions on a courtyard ----------------------------------------------------------------

VIEW = {
    "anonymous": NONE, "resident": {"A1"}, "pending": NONE, "building_lead": {"A1"},
    "secretary": {"A1"}, "staff": {"A1", "A2"}, "other_staff": {"B1", "B2"}, "property": NONE,
    "department": NONE, "street_admin": ALL, "neighbour": {"A2"}, "outsider": {"B1"},
}
MODERATE = {
    "anonymous": NONE, "resident": NONE, "pending": NONE, "building_lead": {"A1"},
    "secretary": {"A1"}, "staff": {"A1", "A2"}, "other_staff": {"B1", "B2"}, "property": NONE,
    "department": NONE, "street_admin": ALL, "neighbour": NONE, "outsider": NONE,
}
MANAGE_MEMBERS = {
    "anonymous": NONE, "resident": NONE, "pending": NONE, "building_lead": NONE,
    "secretary": NONE, "staff": {"A1", "A2"}, "other_staff": {"B1", "B2"}, "property": NONE,
    "department": NONE, "street_admin": ALL, "neighbour": NONE, "outsider": NONE,
}


@pytest.mark.parametrize("predicate, table", [
    (permissions.can_view_courtyard, VIEW),
    (permissions.can_moderate_courtyard, MODERATE),
    (permissions.can_approve_members, MODERATE),
    (permissions.can_manage_courtyard_members, MANAGE_MEMBERS),
], ids=["view", "moderate", "approve_members", "manage_members"])
def test_courtyard_actions(world, predicate, table):
    actual = {role: {name for name, cy in world.courtyards.items() if predicate(world.user(role), cy)}
              for role in ROLES}
    assert actual == table


# --- actions on a community or an organization ---------------------------------------------

MANAGE_COMMUNITY = {
    "anonymous": NONE, "resident": NONE, "pending": NONE, "building_lead": NONE, "secretary": NONE,
    "staff": {"C1"}, "other_staff": {"C2"}, "property": NONE, "department": NONE,
    "street_admin": {"C1", "C2"}, "neighbour": NONE, "outsider": NONE,
}
APPOINT_STAFF = {role: ({"C1", "C2"} if role == "street_admin" else NONE) for role in ROLES}
MANAGE_ORG = {role: ({"P", "D"} if role == "street_admin" else NONE) for role in ROLES}


@pytest.mark.parametrize("predicate, table", [
    (permissions.can_manage_community, MANAGE_COMMUNITY),
    (permissions.can_appoint_community_staff, APPOINT_STAFF),
], ids=["manage_community", "appoint_staff"])
def test_community_actions(world, predicate, table):
    actual = {role: {name for name, c in world.communities.items() if predicate(world.user(role), c)}
              for role in ROLES}
    assert actual == table


def test_manage_organization(world):
    actual = {role: {name for name, org in world.orgs.items()
                     if permissions.can_manage_organization(world.user(role), org)} for role in ROLES}
    assert actual == MANAGE_ORG


# --- actions without a place ---------------------------------------------------------------

@pytest.mark.parametrize("predicate, allowed", [
    (permissions.can_create_community, {"street_admin"}),
    (permissions.can_create_organization, {"street_admin"}),
    (permissions.can_create_user, {"street_admin", "staff", "other_staff"}),
    (permissions.can_use_admin, {"street_admin", "staff", "other_staff"}),
], ids=["create_community", "create_organization", "create_user", "use_admin"])
def test_street_wide_actions(world, predicate, allowed):
    assert {role for role in ROLES if predicate(world.user(role))} == allowed


# --- whose phone number one sees in full ---------------------------------------------------

SUBJECTS = ("resident", "pending", "building_lead", "secretary", "staff", "property", "neighbour", "outsider")
A1_PEOPLE = {"resident", "pending", "building_lead", "secretary"}
SEE_PHONE = {
    "anonymous": NONE,
    "resident": {"resident"},                   # not the neighbours' numbers
    "pending": {"pending"},
    "building_lead": A1_PEOPLE,                 # calls the people of the building, applicants too
    "secretary": A1_PEOPLE,
    "staff": A1_PEOPLE | {"staff", "neighbour"},  # every courtyard of C1, never C2's
    "other_staff": {"outsider"},
    "property": {"property"},
    "department": NONE,
    "street_admin": set(SUBJECTS),
    "neighbour": {"neighbour"},
    "outsider": {"outsider"},
}


def test_see_phone(world):
    actual = {viewer: {subject for subject in SUBJECTS
                       if permissions.can_see_phone(world.user(viewer), world.user(subject))}
              for viewer in ROLES}
    assert actual == SEE_PHONE


# --- list queries and object checks agree --------------------------------------------------

def test_visible_courtyards_is_exactly_what_can_be_viewed(world):
    listed = {role: {world.name_of_courtyard(cy)
                     for cy in db.session.scalars(permissions.visible_courtyards(world.user(role)))}
              for role in ROLES}
    checked = {role: {name for name, cy in world.courtyards.items()
                      if permissions.can_view_courtyard(world.user(role), cy)} for role in ROLES}
    assert listed == checked == VIEW


def test_manageable_communities_is_exactly_what_can_be_managed(world):
    listed = {role: {world.name_of_community(c)
                     for c in db.session.scalars(permissions.manageable_communities(world.user(role)))}
              for role in ROLES}
    checked = {role: {name for name, c in world.communities.items()
                      if permissions.can_manage_community(world.user(role), c)} for role in ROLES}
    assert listed == checked == MANAGE_COMMUNITY
    assert all(set(COMMUNITIES) >= names for names in listed.values())


def test_a_decided_membership_changes_what_is_visible(world, make):
    """Pending → active shows the courtyard; removed hides it again: list and check move together."""
    from courtyard.places import services
    from courtyard.places.models import Membership
    pending = world.user("pending")
    a1 = world.courtyards["A1"]
    m = db.session.scalar(db.select(Membership).filter_by(user_id=pending.id))
    services.decide_membership(world.user("secretary"), m, approve=True)
    assert permissions.can_view_courtyard(pending, a1)
    assert [cy.id for cy in db.session.scalars(permissions.visible_courtyards(pending))] == [a1.id]
    services.remove_membership(world.user("staff"), m)
    assert not permissions.can_view_courtyard(pending, a1)
    assert list(db.session.scalars(permissions.visible_courtyards(pending))) == []
