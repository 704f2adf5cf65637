"""Demo data for `flask seed-demo`: 方庄街道 with its communities, buildings, people and roles.

Idempotent: every thing is looked up by its name or login before it is made, so a second
run adds nothing and changes nothing. The seed goes through the code real use goes through:
places through the importer, organizations, accounts and roles through the services, the
pending resident through registration with the building's invite code. The topics, ballots
and tasks are steps of their own (deliberation.py, voting.py, tasks.py, in this package) in
`STEPS`; each step receives the `Demo` so far.
The accounts and the password are listed in README.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..accounts import services as accounts
from ..accounts.models import User
from ..errors import Conflict
from ..extensions import db
from ..places import services as places
from ..places.importer import import_records
from ..places.models import (Building, Community, CommunityStaff, Courtyard, Membership, Organization,
                             OrganizationMember, OrgKind, Unit)
from .deliberation import seed_topics
from .tasks import seed_tasks
from .voting import seed_ballots
from .emergencies import seed_emergencies
from .monthly import seed_monthly
from .projects import seed_projects
from .districts import seed_districts

PASSWORD = "courtyard2026"
STREET = "方庄街道"

PROPERTY = "北京方庄物业管理有限责任公司"
PROPERTY_2 = "北京芳华物业服务有限公司"
DEPARTMENTS = ("丰台区城市管理委员会", "方庄街道城市管理办公室", "丰台区住房和城乡建设委员会")

# Community, building, property company, entrances (单元), floors, floor area of each flat on
# a landing (01, 02, …). Walk-up blocks of the 1980s: the same plan is stacked floor on floor.
BUILDINGS = (
    ("芳古园一区社区", "1号楼", PROPERTY, 2, 6, ("58.60", "86.30")),
    ("芳古园一区社区", "2号楼", PROPERTY, 1, 6, ("67.20", "92.45")),
    ("芳古园一区社区", "5号楼", PROPERTY, 2, 5, ("55.80", "74.10")),
    ("芳群园四区社区", "3号楼", PROPERTY, 2, 6, ("63.50", "81.70")),
    ("芳群园四区社区", "8号楼", PROPERTY_2, 1, 4, ("96.20", "118.60", "72.40")),
    ("芳城园二区社区", "12号楼", PROPERTY_2, 2, 4, ("59.90", "88.80")),
)

# login, display name, phone. Phone numbers follow 138-0013-8xxx, the example number range
# of China Mobile's own service line, and are shown masked (138****8004) to most viewers.
PEOPLE = (
    ("admin", "高志远", "13800138001"),       # street administrator
    ("staff", "刘秀梅", "13800138002"),       # community staff, 芳古园一区社区
    ("staff_fqy", "孙丽娟", "13800138003"),   # community staff, 芳群园四区社区
    ("secretary", "王淑芬", "13800138004"),   # secretary of 芳古园一区 1号楼 and 2号楼
    ("lead", "张德明", "13800138005"),        # building lead (楼门长), 芳古园一区 1号楼
    ("owner", "陈桂兰", "13800138006"),       # resident, owner
    ("owner2", "李建平", "13800138007"),      # resident, owner
    ("tenant", "赵晓雯", "13800138008"),      # resident, tenant
    ("pending", "周海涛", "13800138009"),     # registered with the invite code, awaiting approval
    ("lead_fqy", "马玉珍", "13800138010"),    # building lead, 芳群园四区 3号楼
    ("owner_fqy", "杨振华", "13800138011"),   # resident, owner, 芳群园四区 3号楼
    ("property", "杨帆", "13800138012"),      # property staff, 北京方庄物业
    ("property2", "吴磊", "13800138013"),     # property staff, 北京芳华物业
    ("dept", "郑国强", "13800138014"),        # department staff, 丰台区城市管理委员会
    ("dept_fz", "何静", "13800138015"),       # department staff, 方庄街道城市管理办公室
    ("district", "韩立新", "13800138016"),    # staff of the 芳古片区治理服务站 (seeding/districts.py)
    ("secretary_fg2", "李秀英", "13800138017"),  # secretary, 芳古园二区社区 8号楼 (seeding/districts.py)
)

# login → (community, building, role, unit label or None, owner?)
MEMBERSHIPS = (
    ("secretary", "芳古园一区社区", "1号楼", "secretary", None, False),
    ("secretary", "芳古园一区社区", "2号楼", "secretary", None, False),
    ("lead", "芳古园一区社区", "1号楼", "building_lead", "1单元101", True),
    ("owner", "芳古园一区社区", "1号楼", "resident", "1单元302", True),
    ("owner2", "芳古园一区社区", "1号楼", "resident", "2单元501", True),
    ("tenant", "芳古园一区社区", "1号楼", "resident", "2单元202", False),
    ("lead_fqy", "芳群园四区社区", "3号楼", "building_lead", "1单元201", True),
    ("owner_fqy", "芳群园四区社区", "3号楼", "resident", "2单元402", True),
)
PENDING = ("pending", "芳古园一区社区", "1号楼", "1单元602", True)
COMMUNITY_STAFF = (("staff", "芳古园一区社区"), ("staff_fqy", "芳群园四区社区"))
ORGANIZATION_STAFF = (("property", PROPERTY), ("property2", PROPERTY_2),
                      ("dept", DEPARTMENTS[0]), ("dept_fz", DEPARTMENTS[1]))


@dataclass
class Demo:
    """What the steps made or found, by name: for the steps that follow."""

    admin: User | None = None
    users: dict[str, User] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)


def place_rows() -> list[dict[str, str]]:
    """The demo buildings as rows of the community staff's sheet: 1单元101, 1单元102, …"""
    return [{"community": community, "building": building, "unit": f"{entrance}单元{floor}0{door}",
             "area_m2": area, "property_company": company}
            for community, building, company, entrances, floors, areas in BUILDINGS
            for entrance in range(1, entrances + 1)
            for floor in range(1, floors + 1)
            for door, area in enumerate(areas, start=1)]


def seed_places(demo: Demo) -> None:
    """Communities, buildings (each with its courtyard), units and property companies: the importer."""
    import_records(place_rows())


def seed_admin(demo: Demo) -> None:
    """The street administrator; the other steps act as them."""
    login, name, phone = PEOPLE[0]
    user = _user(login)
    if user is None:
        user = accounts.new_user(login=login, password=PASSWORD, display_name=name, phone=phone,
                                 is_street_admin=True)
        db.session.commit()
    elif not user.is_street_admin:
        raise Conflict(f"The account '{login}' exists and is not a street administrator; "
                       "seed-demo is meant for a demo database.")
    demo.admin = demo.users[login] = user


def seed_organizations(demo: Demo) -> None:
    """The departments (the property companies came with the buildings)."""
    for name in DEPARTMENTS:
        org = _organization(name) or places.create_organization(demo.admin, name=name, kind="department")
        demo.organizations[name] = org
    for name in (PROPERTY, PROPERTY_2):
        demo.organizations[name] = _organization(name)


def seed_people(demo: Demo) -> None:
    """Every role: staff, secretary, building leads, owners and tenants, one pending, org staff."""
    pending_login = PENDING[0]
    for login, name, phone in PEOPLE[1:]:
        if login == pending_login:
            continue
        demo.users[login] = _user(login) or accounts.create_user(
            demo.admin, login=login, password=PASSWORD, display_name=name, phone=phone)
    for login, community in COMMUNITY_STAFF:
        places.add_community_staff(demo.admin, _community(community), user_id=demo.users[login].id)
    for login, org in ORGANIZATION_STAFF:
        places.add_organization_member(demo.admin, demo.organizations[org], user_id=demo.users[login].id)
    for login, community, building, role, unit, owner in MEMBERSHIPS:
        courtyard = _courtyard(community, building)
        user = demo.users[login]
        if _membership(courtyard, user) is None:
            places.set_courtyard_member(demo.admin, courtyard, user_id=user.id, role=role,
                                        unit_id=_unit(courtyard, unit).id if unit else None, is_owner=owner)
    login, community, building, unit, owner = PENDING
    user = _user(login)
    if user is None:
        _, name, phone = next(p for p in PEOPLE if p[0] == login)
        courtyard = _courtyard(community, building)
        user = accounts.register(invite_code=courtyard.building.invite_code,
                                 unit_id=_unit(courtyard, unit).id, login=login, password=PASSWORD,
                                 display_name=name, phone=phone, is_owner=owner)
    demo.users[login] = user


STEPS = [seed_places, seed_admin, seed_organizations, seed_people, seed_topics, seed_ballots, seed_tasks, seed_monthly, seed_emergencies, seed_projects, seed_districts]


def seed_demo() -> str:
    """Run every step; a summary of what there is and what this run added."""
    before = counts()
    demo = Demo()
    for step in STEPS:
        step(demo)
    after = counts()
    added = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    lines = [f"{STREET} demo: {after['communities']} communities, {after['buildings']} buildings, "
             f"{after['units']} units, {after['property companies']} property companies, "
             f"{after['departments']} departments, {after['accounts']} accounts, {after['roles']} roles."]
    if added:
        lines.append("Added now: " + ", ".join(f"{n} {k}" for k, n in added.items()) + ".")
    else:
        lines.append("Nothing added: the demo data was already there.")
    lines.append(f"Every demo account's password is {PASSWORD}; the accounts are listed in README.md.")
    return "\n".join(lines)


def counts() -> dict[str, int]:
    def n(model, *where):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
    return {
        "communities": n(Community), "buildings": n(Building), "units": n(Unit),
        "property companies": n(Organization, Organization.kind == OrgKind.property),
        "departments": n(Organization, Organization.kind == OrgKind.department),
        "accounts": n(User),
        "roles": n(Membership) + n(CommunityStaff) + n(OrganizationMember) + n(User, User.is_street_admin),
    }


# --- looking things up by name -------------------------------------------------------------

def _user(login: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.login == login))


def _organization(name: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.name == name))


def _community(name: str) -> Community:
    return db.session.scalars(sa.select(Community).where(Community.name == name)).one()


def _courtyard(community: str, building: str) -> Courtyard:
    return db.session.scalars(sa.select(Courtyard).join(Building).join(Community).where(
        Community.name == community, Building.name == building)).one()


def _unit(courtyard: Courtyard, label: str) -> Unit:
    return db.session.scalars(sa.select(Unit).where(Unit.building_id == courtyard.building_id,
                                                    Unit.label == label)).one()


def _membership(courtyard: Courtyard, user: User) -> Membership | None:
    return db.session.scalar(sa.select(Membership).where(Membership.courtyard_id == courtyard.id,
                                                         Membership.user_id == user.id))
