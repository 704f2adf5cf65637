"""Test data builders that read like the product: make.courtyard(), make.resident(cy) …"""
from __future__ import annotations

import itertools
from decimal import Decimal
from functools import lru_cache

from courtyard.accounts.models import User
from courtyard.accounts.services import issue_token
from courtyard.config import TEST_PASSWORD_HASH_METHOD
from courtyard.extensions import db
from courtyard.places.models import (Building, Community, CommunityStaff, Courtyard, Membership,
                                     MembershipStatus, Organization, OrganizationMember, OrgKind, Role,
                                     Unit)
from courtyard.places.services import new_invite_code

PASSWORD = "correct-horse-9"
_seq = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    """PASSWORD hashed the cheap test way; live servers (production config) verify it too."""
    from werkzeug.security import generate_password_hash
    return generate_password_hash(PASSWORD, method=TEST_PASSWORD_HASH_METHOD)


class Factory:
    def user(self, login: str | None = None, *, display_name: str | None = None, phone: str | None = None,
             street_admin: bool = False) -> User:
        n = next(_seq)
        user = User(login=login or f"user{n}", password_hash=password_hash(),
                    display_name=display_name or f"居民{n}", phone=phone, is_street_admin=street_admin)
        db.session.add(user)
        db.session.commit()
        return user

    def street_admin(self, login: str | None = None) -> User:
        return self.user(login, street_admin=True, display_name="街道管理员")

    def community(self, name: str | None = None) -> Community:
        c = Community(name=name or f"芳城园{next(_seq)}社区")
        db.session.add(c)
        db.session.commit()
        return c

    def organization(self, name: str | None = None, kind: str = "property") -> Organization:
        o = Organization(name=name or f"物业公司{next(_seq)}", kind=OrgKind(kind))
        db.session.add(o)
        db.session.commit()
        return o

    def courtyard(self, community: Community | None = None, *, units: int = 4, area: str = "80.00",
                  property_org: Organization | None = None, name: str | None = None) -> Courtyard:
        community = community or self.community()
        b = Building(community=community, name=name or f"{next(_seq)}号楼", invite_code=new_invite_code(),
                     property_org=property_org)
        b.courtyard = Courtyard()
        b.units = [Unit(label=f"{i // 2 + 1}0{i % 2 + 1}", area_m2=Decimal(area)) for i in range(units)]
        db.session.add(b)
        db.session.commit()
        return b.courtyard

    def member(self, courtyard: Courtyard, role: str = "resident", *, user: User | None = None,
               unit: Unit | None = None, is_owner: bool = True, status: str = "active") -> User:
        user = user or self.user()
        if unit is None and role == "resident":
            taken = {m.unit_id for m in db.session.query(Membership).filter_by(courtyard_id=courtyard.id)}
            unit = next((u for u in courtyard.building.units if u.id not in taken), courtyard.building.units[0])
        db.session.add(Membership(courtyard=courtyard, user=user, role=Role(role), unit=unit,
                                  is_owner=is_owner and unit is not None, status=MembershipStatus(status)))
        db.session.commit()
        return user

    def resident(self, courtyard: Courtyard, **kw) -> User:
        return self.member(courtyard, "resident", **kw)

    def secretary(self, courtyard: Courtyard, **kw) -> User:
        return self.member(courtyard, "secretary", **kw)

    def building_lead(self, courtyard: Courtyard, **kw) -> User:
        return self.member(courtyard, "building_lead", **kw)

    def community_staff(self, community: Community, user: User | None = None) -> User:
        user = user or self.user(display_name="社区工作人员")
        db.session.add(CommunityStaff(community=community, user=user))
        db.session.commit()
        return user

    def org_staff(self, org: Organization, user: User | None = None) -> User:
        user = user or self.user(display_name="物业管家")
        db.session.add(OrganizationMember(organization=org, user=user))
        db.session.commit()
        return user


class ApiClient:
    """Calls /api/v1 as a given user with a bearer token."""

    def __init__(self, app, token: str | None = None):
        self.app = app
        self.client = app.test_client()
        self.token = token

    def as_(self, user: User | None) -> "ApiClient":
        return ApiClient(self.app, issue_token(user) if user is not None else None)

    def _headers(self, extra=None):
        h = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        h.update(extra or {})
        return h

    def request(self, method: str, path: str, json=None, **kw):
        url = path if path.startswith("/") and path.startswith("/api/") else "/api/v1" + path
        return self.client.open(url, method=method, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)
