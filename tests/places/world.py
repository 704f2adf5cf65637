"""A small street for permission and API tests: two communities × two courtyards, one
property company (managing A1's building), one city department, and one person per role.

    community C1: courtyards A1, A2        community C2: courtyards B1, B2

Roles are named from the point of view of courtyard A1 and community C1.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import AnonymousUserMixin

ROLES = ("anonymous", "resident", "pending", "building_lead", "secretary", "staff", "other_staff",
         "property", "department", "street_admin", "neighbour", "outsider")
COURTYARDS = ("A1", "A2", "B1", "B2")
COMMUNITIES = ("C1", "C2")


@dataclass
class World:
    communities: dict = field(default_factory=dict)
    courtyards: dict = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.people[role]

    @property
    def courtyards_by_id(self) -> dict:
        return {cy.id: cy for cy in self.courtyards.values()}

    def name_of_courtyard(self, courtyard) -> str:
        return next(k for k, v in self.courtyards.items() if v.id == courtyard.id)

    def name_of_community(self, community) -> str:
        return next(k for k, v in self.communities.items() if v.id == community.id)


def build_world(make) -> World:
    w = World()
    w.orgs["P"] = make.organization("方庄物业", kind="property")
    w.orgs["D"] = make.organization("丰台区住建委", kind="department")
    w.communities["C1"] = make.community("芳城园一区社区")
    w.communities["C2"] = make.community("芳群园社区")
    w.courtyards["A1"] = make.courtyard(w.communities["C1"], name="1号楼", property_org=w.orgs["P"])
    w.courtyards["A2"] = make.courtyard(w.communities["C1"], name="2号楼")
    w.courtyards["B1"] = make.courtyard(w.communities["C2"], name="11号楼")
    w.courtyards["B2"] = make.courtyard(w.communities["C2"], name="12号楼")
    a1 = w.courtyards["A1"]
    p = w.people
    p["anonymous"] = AnonymousUserMixin()
    p["resident"] = make.resident(a1, user=make.user("resident", phone="13812341234"))
    p["pending"] = make.resident(a1, user=make.user("pending", phone="13900001111"), status="pending")
    p["building_lead"] = make.building_lead(a1, user=make.user("lead", phone="13700002222"))
    p["secretary"] = make.secretary(a1, user=make.user("secretary", phone="13600003333"))
    p["staff"] = make.community_staff(w.communities["C1"], make.user("staff", phone="13500004444"))
    p["other_staff"] = make.community_staff(w.communities["C2"], make.user("other_staff"))
    p["property"] = make.org_staff(w.orgs["P"], make.user("property", phone="13300005555"))
    p["department"] = make.org_staff(w.orgs["D"], make.user("department"))
    p["street_admin"] = make.street_admin("admin")
    p["neighbour"] = make.resident(w.courtyards["A2"], user=make.user("neighbour", phone="13200006666"))
    p["outsider"] = make.resident(w.courtyards["B1"], user=make.user("outsider", phone="13100007777"))
    return w
