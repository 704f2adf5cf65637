"""`flask seed-scale`: a street-sized data set to measure Insight on (bench/insight.py).

17 communities, 223 buildings (each with its courtyard), about 40,000 flats, 100,000
residents with their memberships, and a year of topics (seasonal, with hot spots and
problems that keep coming back), messages with official replies, ballots with their rolls
and votes, and tasks with their timelines, ratings and escalations.

Fast and bounded: rows are built in Python and written with SQLAlchemy Core multi-row
INSERTs in chunks (a few hundred statements per table, not one per row), every account
shares one precomputed password hash, ids are assigned here (the database must be empty),
and PostgreSQL's sequences are moved past them at the end. Deterministic: the same
--seed and --until give the same rows.
"""
from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import click
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ..accounts.models import User
from ..clock import LOCAL_TZ
from ..deliberation.models import Message, Topic, TopicInvitation
from ..extensions import db
from ..insight import rules
from ..places.models import (Building, Community, CommunityStaff, Courtyard, Membership, Organization,
                             OrganizationMember, Unit)
from ..search import index as search_index
from ..tasks import rules as task_rules
from ..tasks.models import Escalation, Task, TaskRating, TaskUpdate
from ..voting import payloads as vote_payloads
from ..voting import rules as vote_rules
from ..voting.models import Proposal, RollEntry, Vote
from . import scale_extras

COMMUNITY_NAMES = (
    "芳古园一区社区", "芳古园二区社区", "芳城园一区社区", "芳城园二区社区", "芳城园三区社区", "芳群园一区社区",
    "芳群园二区社区", "芳群园三区社区", "芳群园四区社区", "芳星园一区社区", "芳星园二区社区", "芳星园三区社区",
    "紫芳园社区", "芳城东里社区", "方庄南路社区", "芳庄社区", "芳景社区")
PROPERTY_NAMES = tuple(f"方庄第{n}物业服务有限公司" for n in "一二三四五六七八九十") + ("芳华物业", "城建物业")
DEPARTMENTS = ("丰台区城市管理委员会", "方庄街道城市管理办公室", "丰台区住房和城乡建设委员会")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "秀英桂兰建国建华淑珍玉兰志强海燕丽娟明德文静晓雯振华国强丽华春梅德明红霞玉珍凤英宏伟晨阳子涵雨桐"

# (category, title, season): season 'winter' (Nov–Mar) or 'summer' (Jun–Aug) weighs the title
# up in its months and far down outside them.
TITLES = (
    ("repairs", "楼道灯坏了", None), ("repairs", "楼道里的灯不亮了", None), ("repairs", "顶楼漏雨", "summer"),
    ("repairs", "屋顶渗水严重", "summer"), ("repairs", "下雨天顶层漏水", "summer"), ("repairs", "下水道堵了", None),
    ("repairs", "厨房下水堵塞", None), ("repairs", "外墙脱落", None), ("repairs", "水管漏水", None),
    ("property_service", "暖气不热", "winter"), ("property_service", "家里暖气不热太冷了", "winter"),
    ("property_service", "供暖温度不达标", "winter"), ("property_service", "电梯坏了", None),
    ("property_service", "电梯又困人了", None), ("property_service", "保洁不及时", None),
    ("sanitation", "垃圾桶满了没人清运", None), ("sanitation", "垃圾站太臭", "summer"), ("sanitation", "楼道堆放杂物", None),
    ("parking", "车位被占", None), ("parking", "外来车辆乱停", None), ("parking", "电动车乱停占消防通道", None),
    ("greening", "树枝挡住窗户需要修剪", "summer"), ("greening", "绿地被占种菜", None),
    ("safety", "楼道电动车充电飞线", None), ("safety", "高空抛物", None), ("safety", "消防通道被堵", None),
    ("elderly_care", "加装扶手方便老人", None), ("elderly_care", "独居老人需要探访", None),
    ("neighbour_dispute", "楼上噪音扰民", None), ("neighbour_dispute", "邻居装修太吵", None),
    ("facilities", "电动车棚充电桩不够", None), ("facilities", "加装电梯", None), ("facilities", "健身器材损坏", None),
    ("other", "快递柜收费", None), ("other", "社区活动建议", None),
)
REPLIES = ("收到，我们尽快安排人员查看。", "已登记，明天上午派师傅上门。", "感谢反映，已转物业处理。", "已联系相关部门，请耐心等待。")
NOTES = ("已接单，安排维修师傅。", "材料已到，开始施工。", "已处理完毕，请验收。", "配件在路上，下周更换。")
CHATTER = ("我家也是这样。", "同样的问题好几天了。", "希望尽快解决。", "谢谢大家关注。", "+1")


@dataclass(frozen=True)
class Plan:
    seed: int = 1
    communities: int = 17
    buildings: int = 223
    residents: int = 100_000
    days: int = 365
    topics_per_building: int = 100   # a year, on average
    until: date | None = None
    password: str = "courtyard2026"


def _insert(table: sa.Table, rows: list[dict]) -> int:
    """Many rows at once: an executemany, batched by SQLAlchemy into multi-row INSERTs where the
    driver would otherwise send one statement per row (see _batched_inserts)."""
    if not rows:
        return 0
    for i in range(0, len(rows), 20000):
        db.session.execute(sa.insert(table), rows[i:i + 20000])
    return len(rows)


class _batched_inserts:
    """pg8000 runs an executemany as one round trip per row; SQLAlchemy's "insertmanyvalues"
    turns it into multi-row INSERTs. It is on for INSERT … RETURNING only; this command turns
    it on for plain INSERTs too, for its own run (the flag is the dialect's, and put back)."""

    def __enter__(self):
        self.dialect = db.session.get_bind().dialect
        self.before = self.dialect.use_insertmanyvalues_wo_returning
        if self.dialect.name == "postgresql":
            self.dialect.use_insertmanyvalues_wo_returning = True
        return self

    def __exit__(self, *exc):
        self.dialect.use_insertmanyvalues_wo_returning = self.before
        return False


def _bj(d: date, hour: float) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=LOCAL_TZ) + timedelta(hours=hour)


def _weekday_hour(rng: random.Random) -> float:
    return rng.uniform(7, 22)


def _title_weights(month: int) -> list[float]:
    out = []
    for _cat, _title, season in TITLES:
        if season == "winter":
            out.append(6.0 if month in (11, 12, 1, 2, 3) else 0.1)
        elif season == "summer":
            out.append(6.0 if month in (6, 7, 8) else 0.3)
        else:
            out.append(1.0)
    return out


def seed_scale(plan: Plan = Plan(), echo=print) -> dict[str, int]:
    """Write the data set into an empty database; returns the row counts by table."""
    with _batched_inserts():
        return _seed(plan, echo)


def _seed(plan: Plan, echo) -> dict[str, int]:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Community)) or \
            db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        raise click.ClickException("seed-scale needs an empty database (run it on a new one after init-db).")
    started = time.perf_counter()
    rng = random.Random(plan.seed)
    until = plan.until or rules.local_date(datetime.now(timezone.utc))
    end = _bj(until, 23.99)
    first_day = until - timedelta(days=plan.days - 1)
    hashed = generate_password_hash(plan.password)
    counts: dict[str, int] = {}
    t = lambda model: model.__table__  # noqa: E731

    def made(name, n):
        counts[name] = n
        echo(f"  {name}: {n:,} ({time.perf_counter() - started:.1f} s)")

    created = _bj(first_day - timedelta(days=30), 9)

    # --- organizations, communities, buildings, units -------------------------------------
    orgs = [{"id": i + 1, "name": n, "kind": "property", "created_at": created} for i, n in enumerate(PROPERTY_NAMES)]
    orgs += [{"id": len(orgs) + i + 1, "name": n, "kind": "department", "created_at": created}
             for i, n in enumerate(DEPARTMENTS)]
    made("organizations", _insert(t(Organization), orgs))
    property_ids = [o["id"] for o in orgs if o["kind"] == "property"]
    department_ids = [o["id"] for o in orgs if o["kind"] == "department"]
    names = list(COMMUNITY_NAMES) + [f"方庄第{i}社区" for i in range(len(COMMUNITY_NAMES) + 1, plan.communities + 1)]
    communities = [{"id": i + 1, "name": names[i], "created_at": created} for i in range(plan.communities)]
    made("communities", _insert(t(Community), communities))
    buildings, courtyards, units = [], [], []
    building_org: dict[int, int] = {}
    building_community: dict[int, int] = {}
    per_building_people = plan.residents / plan.buildings
    unit_id = 0
    units_of: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for b in range(1, plan.buildings + 1):
        cid = (b - 1) % plan.communities + 1
        org = property_ids[(cid * 3 + b) % len(property_ids)] if rng.random() < 0.95 else None
        buildings.append({"id": b, "community_id": cid, "name": f"{(b - 1) // plan.communities + 1}号楼",
                          "property_org_id": org, "invite_code": f"S{plan.seed % 100:02d}{b:05d}{rng.randrange(36**4):06d}",
                          "created_at": created})
        courtyards.append({"id": b, "building_id": b, "created_at": created})
        building_org[b], building_community[b] = org, cid
        flats = max(4, round(per_building_people / 2.5))
        for n in range(flats):
            unit_id += 1
            area = Decimal(rng.choice(("54.20", "58.60", "63.50", "74.10", "81.70", "86.30", "92.45", "118.60")))
            units.append({"id": unit_id, "building_id": b, "label": f"{n // 24 + 1}单元{(n % 24) // 2 + 1}0{n % 2 + 1}",
                          "area_m2": area})
            units_of[b].append((unit_id, area))
    made("buildings", _insert(t(Building), buildings))
    _insert(t(Courtyard), courtyards)
    made("units", _insert(t(Unit), units))

    # --- people ------------------------------------------------------------------------------
    users = [{"id": 1, "login": "admin", "password_hash": hashed, "display_name": "街道管理员", "is_street_admin": True,
              "is_active_account": True, "session_epoch": 0, "created_at": created}]
    staff_of: dict[int, int] = {}
    for c in communities:
        uid = len(users) + 1
        users.append({"id": uid, "login": f"staff{c['id']:02d}", "password_hash": hashed,
                      "display_name": f"{c['name'][:3]}社工", "is_street_admin": False, "is_active_account": True,
                      "session_epoch": 0, "created_at": created})
        staff_of[c["id"]] = uid
    org_staff: dict[int, int] = {}
    for o in orgs:
        uid = len(users) + 1
        users.append({"id": uid, "login": f"org{o['id']:02d}", "password_hash": hashed, "display_name": "管家",
                      "is_street_admin": False, "is_active_account": True, "session_epoch": 0, "created_at": created})
        org_staff[o["id"]] = uid
    members, people_of = [], defaultdict(list)
    secretary_of: dict[int, int] = {}
    first_resident = len(users) + 1
    for n in range(plan.residents):
        uid = first_resident + n
        b = n % plan.buildings + 1
        users.append({"id": uid, "login": f"r{n + 1:06d}", "password_hash": hashed,
                      "display_name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                      "is_street_admin": False, "is_active_account": True, "session_epoch": 0, "created_at": created})
        flats = units_of[b]
        unit, _area = flats[(n // plan.buildings) % len(flats)]
        role = "resident"
        if b not in secretary_of:
            role, secretary_of[b] = "secretary", uid
        elif len(people_of[b]) < 3:
            role = "building_lead"
        members.append({"id": n + 1, "courtyard_id": b, "user_id": uid, "role": role, "status": "active",
                        "unit_id": unit, "is_owner": rng.random() < 0.7, "created_at": created})
        people_of[b].append(uid)
    made("users", _insert(t(User), users))
    made("memberships", _insert(t(Membership), members))
    _insert(t(CommunityStaff), [{"id": i + 1, "community_id": cid, "user_id": uid, "created_at": created}
                               for i, (cid, uid) in enumerate(sorted(staff_of.items()))])
    _insert(t(OrganizationMember), [{"id": i + 1, "organization_id": oid, "user_id": uid, "created_at": created}
                                    for i, (oid, uid) in enumerate(sorted(org_staff.items()))])
    membership = {(m["courtyard_id"], m["user_id"]): m for m in members}

    # --- topics: seasonal, some buildings busier, some problems chronic ----------------------
    busy = [rng.lognormvariate(0, 0.5) for _ in range(plan.buildings)]
    chronic = {b: rng.randrange(len(TITLES)) for b in rng.sample(range(1, plan.buildings + 1), plan.buildings // 8)}
    total_topics = plan.topics_per_building * plan.buildings * plan.days // 365
    weights_by_month = {m: _title_weights(m) for m in range(1, 13)}
    raw_topics = []
    for _ in range(total_topics):
        day = first_day + timedelta(days=rng.randrange(plan.days))
        b = rng.choices(range(1, plan.buildings + 1), weights=busy)[0]
        if b in chronic and rng.random() < 0.25:
            idx = chronic[b]
        else:
            idx = rng.choices(range(len(TITLES)), weights=weights_by_month[day.month])[0]
        category, title, _season = TITLES[idx]
        at = _bj(day, _weekday_hour(rng))
        if at > end:
            at = end - timedelta(minutes=rng.randrange(1, 600))
        by_staff = rng.random() < 0.03
        author = staff_of[building_community[b]] if by_staff else rng.choice(people_of[b])
        raw_topics.append((at, b, category, title, author))
    raw_topics.sort(key=lambda r: r[0])
    topics, messages, invitations = [], [], []
    invited: set[tuple[int, int]] = set()
    for i, (at, b, category, title, author) in enumerate(raw_topics, start=1):
        age = (end - at).days
        status = rng.choices(("open", "deliberating", "decided", "closed", "withdrawn", "merged"),
                             weights=(max(1, 40 - age // 6), 15, 20, 10 + age // 10, 4, 2))[0]
        topics.append({"id": i, "courtyard_id": b, "author_id": author, "title": title, "body": title + "，请帮忙解决。",
                       "category": category, "status": status, "locked": False, "pinned": False,
                       "merged_into_id": None, "support_count": 0, "message_count": 0,
                       "created_at": at, "updated_at": at, "last_activity_at": at})
        # an official reply, usually
        if rng.random() < 0.8 and author != staff_of[building_community[b]]:
            delay = min(240.0, rng.lognormvariate(math.log(5), 1.0))
            when = at + timedelta(hours=delay)
            if when < end:
                pick = rng.random()
                org = building_org[b]
                if pick < 0.5 and org:
                    messages.append((when, i, org_staff[org], REPLIES[rng.randrange(len(REPLIES))], org, False))
                    if (i, org) not in invited:
                        invited.add((i, org))
                        invitations.append({"topic_id": i, "organization_id": org, "community_id": None,
                                            "invited_by_id": staff_of[building_community[b]], "created_at": at})
                elif pick < 0.8:
                    messages.append((when, i, staff_of[building_community[b]], REPLIES[0], None, True))
                else:
                    messages.append((when, i, secretary_of[b], REPLIES[2], None, False))
        for _ in range(rng.randrange(0, 7)):
            when = at + timedelta(hours=rng.uniform(0.1, 96))
            if when < end:
                messages.append((when, i, rng.choice(people_of[b]), rng.choice(CHATTER), None, False))
    messages.sort(key=lambda m: (m[0], m[1]))
    message_rows = []
    last_activity: dict[int, datetime] = {}
    per_topic: dict[int, int] = defaultdict(int)
    for mid, (when, topic_id, author, body, org, as_staff) in enumerate(messages, start=1):
        message_rows.append({"id": mid, "topic_id": topic_id, "author_id": author, "organization_id": org,
                             "as_community_staff": as_staff, "body": body, "client_id": f"seed-{mid}",
                             "hidden": False, "created_at": when})
        per_topic[topic_id] += 1
        last_activity[topic_id] = when
    for row in topics:
        row["message_count"] = per_topic.get(row["id"], 0)
        row["last_activity_at"] = last_activity.get(row["id"], row["created_at"])
        if row["status"] != "open":
            row["updated_at"] = row["last_activity_at"]
    made("topics", _insert(t(Topic), topics))
    made("messages", _insert(t(Message), message_rows))

    # --- tasks, with their timelines, ratings and escalations ---------------------------------
    task_rows, updates, ratings, escalations = [], [], [], []
    upd_id = esc_id = rating_id = 0

    def update(task_id, at, kind, author, frm=None, to=None, note=None, escalation=None):
        nonlocal upd_id
        upd_id += 1
        updates.append({"id": upd_id, "task_id": task_id, "author_id": author, "kind": kind, "from_status": frm,
                        "to_status": to, "note": note, "escalation_id": escalation, "created_at": at})

    for topic in topics:
        if topic["status"] in ("withdrawn", "merged") or rng.random() > 0.42:
            continue
        b = topic["courtyard_id"]
        org = building_org[b] if building_org[b] and rng.random() < 0.9 else rng.choice(department_ids)
        created_at = topic["created_at"] + timedelta(hours=rng.uniform(1, 48))
        if created_at >= end:
            continue
        task_id = len(task_rows) + 1
        hours = task_rules.DEFAULT_SERVICE_HOURS[topic["category"]]
        due = created_at + timedelta(hours=hours)
        creator = staff_of[building_community[b]]
        row = {"id": task_id, "topic_id": topic["id"], "proposal_id": None, "courtyard_id": b,
               "community_id": building_community[b], "assignee_org_id": org, "title": topic["title"],
               "category": topic["category"], "status": "assigned", "created_by_id": creator,
               "created_at": created_at, "updated_at": created_at, "due_at": due, "accepted_at": None,
               "started_at": None, "done_at": None, "verified_at": None, "reminded_at": None,
               "overdue_notified_at": None, "escalation_level": 0, "seq": 1}
        task_rows.append(row)
        if (topic["id"], org) not in invited:
            invited.add((topic["id"], org))
            invitations.append({"topic_id": topic["id"], "organization_id": org, "community_id": None,
                                "invited_by_id": creator, "created_at": created_at})
        update(task_id, created_at, "created", creator, to="assigned")
        worker = org_staff[org]
        slow = rng.lognormvariate(0, 0.6)  # this task's pace against the service time
        steps = [("accepted", "accepted_at", rng.uniform(0.2, 6) * slow),
                 ("in_progress", "started_at", rng.uniform(1, 24) * slow),
                 ("done", "done_at", rng.uniform(0.2, 0.9) * hours * slow)]
        at, status = created_at, "assigned"
        if rng.random() < 0.06:  # stalls: some work stops at a step and lies there, overdue
            steps = steps[:rng.randrange(3)]
        for to, stamp, gap in steps:
            at = at + timedelta(hours=gap)
            if at >= end:
                break
            update(task_id, at, "status", worker, status, to, NOTES[2] if to == "done" else NOTES[0])
            row[stamp], status = at, to
        if status == "done" and rng.random() < 0.08:  # sent back once, then done again
            back = row["done_at"] + timedelta(hours=rng.uniform(2, 48))
            again = back + timedelta(hours=rng.uniform(4, 48) * slow)
            if again < end:
                update(task_id, back, "reopened", topic["author_id"], "done", "reopened", "还没修好")
                update(task_id, back + timedelta(hours=1), "status", worker, "reopened", "in_progress", NOTES[1])
                update(task_id, again, "status", worker, "in_progress", "done", NOTES[2])
                row["done_at"] = again
        if status == "done" and rng.random() < 0.85:
            verified = row["done_at"] + timedelta(hours=rng.uniform(2, 72))
            if verified < end:
                update(task_id, verified, "verified", topic["author_id"], "done", "verified")
                row["verified_at"], status = verified, "verified"
        row["status"] = status
        row["updated_at"] = updates[-1]["created_at"]
        if status in ("done", "verified"):
            late = row["done_at"] > due
            good = 0.55 if late else 0.75
            voters = rng.sample(people_of[b], min(len(people_of[b]), rng.randrange(0, 5)))
            for uid in voters:
                rating_id += 1
                score = rng.choices(("satisfied", "basically_satisfied", "unsatisfied"),
                                    weights=(good, 0.9 - good, 0.1 + (0.15 if late else 0)))[0]
                ratings.append({"id": rating_id, "task_id": task_id, "user_id": uid, "score": score,
                                "created_at": row["done_at"], "updated_at": row["done_at"]})
        elif status in task_rules.CLOCK_RUNNING and end > due:
            policy = task_rules.Policy()
            level = task_rules.escalation_level_due(status, due, end, policy)
            for step in range(1, level + 1):
                esc_id += 1
                at = due + timedelta(hours=policy.level1_after_hours if step == 1 else policy.level2_after_hours)
                escalations.append({"id": esc_id, "task_id": task_id, "level": step,
                                    "target": "community" if step == 1 else "street",
                                    "community_id": row["community_id"] if step == 1 else None,
                                    "organization_id": None, "reason": None, "automatic": True,
                                    "raised_by_id": None, "created_at": at, "acknowledged_at": None,
                                    "acknowledged_by_id": None, "acknowledgement": None})
                update(task_id, at, "escalated", None, escalation=esc_id)
            row["escalation_level"] = level
            row["overdue_notified_at"] = due
    _insert(t(TopicInvitation), [{"id": i + 1, **inv} for i, inv in enumerate(invitations)])
    made("tasks", _insert(t(Task), task_rows))
    made("task_escalations", _insert(t(Escalation), escalations))
    made("task_updates", _insert(t(TaskUpdate), updates))
    made("task_ratings", _insert(t(TaskRating), ratings))

    # --- ballots: decided topics put to a vote, with their rolls and votes ---------------------
    proposals, roll, votes = [], [], []
    roll_id = vote_id = 0
    decided = [tp for tp in topics if tp["status"] == "decided"]
    for topic in rng.sample(decided, min(len(decided), max(1, len(topics) // 60))):
        b = topic["courtyard_id"]
        opened = topic["created_at"] + timedelta(days=rng.uniform(1, 5))
        closes = opened + timedelta(days=7)
        if closes >= end:
            continue
        pid = len(proposals) + 1
        members_now = [membership[(b, uid)] for uid in people_of[b]]
        areas = dict(units_of[b])
        lines = vote_rules.roll_for("majority", [vote_rules.Member(m["user_id"], m["unit_id"], m["is_owner"])
                                                 for m in members_now], areas)
        ballots = []
        for line in lines:
            roll_id += 1
            key = vote_rules.voter_key("majority", line.person, line.unit)
            roll.append({"id": roll_id, "proposal_id": pid, "user_id": line.person, "unit_id": line.unit,
                         "voter_key": key, "is_owner": membership[(b, line.person)]["is_owner"],
                         "area_m2": line.area})
            if rng.random() < 0.55:
                vote_id += 1
                choice = rng.choices(("yes", "no", "abstain"), weights=(6, 3, 1))[0]
                cast = opened + timedelta(hours=rng.uniform(0, 160))
                votes.append({"id": vote_id, "proposal_id": pid, "voter_key": key, "user_id": line.person,
                              "unit_id": line.unit, "area_m2": line.area, "choice": choice,
                              "assisted_by_id": None, "witness": None, "created_at": cast, "updated_at": cast})
                ballots.append(vote_rules.Ballot(choice, line.unit, line.area))
        eligible = vote_rules.electorate(lines)
        tally = vote_rules.tally("majority", eligible, ballots)
        status = "adopted" if tally.passing else "rejected"
        proposals.append({
            "id": pid, "topic_id": topic["id"], "author_id": secretary_of[b], "title": "关于" + topic["title"] + "的方案",
            "body": "请大家投票。", "status": status, "rule": "majority", "secret": rng.random() < 0.3,
            "quorum": Decimal(0), "opened_at": opened, "opened_by_id": secretary_of[b], "closes_at": closes,
            "closed_at": closes, "closed_by_id": None, "eligible_people": eligible.people,
            "eligible_households": eligible.households, "eligible_area_m2": eligible.area, "tally_seq": 1,
            "final_tally": vote_payloads.tally_json(proposal_id=pid, status=status, rule="majority", secret=False,
                                                    closes_at=closes, seq=1, tally=tally),
            "created_at": opened, "updated_at": closes})
    made("proposals", _insert(t(Proposal), proposals))
    made("ballot_roll", _insert(t(RollEntry), roll))
    made("votes", _insert(t(Vote), votes))

    extra_models = scale_extras.run(scale_extras.Scale(
        rng=rng, first_day=first_day, until=until, end=end, created=created, hashed=hashed,
        communities=communities, buildings=buildings, department_ids=department_ids, property_ids=property_ids,
        users=users, admin_id=1, staff_of=staff_of, org_staff=org_staff, secretary_of=secretary_of,
        people_of=people_of, members=members, topics=topics, tasks=task_rows, escalations=escalations), made)

    if db.session.get_bind().dialect.name == "postgresql":
        for table in (Organization, Community, Building, Courtyard, Unit, User, Membership, CommunityStaff,
                      OrganizationMember, Topic, Message, TopicInvitation, Task, Escalation, TaskUpdate, TaskRating,
                      Proposal, RollEntry, Vote, *extra_models):
            name = table.__tablename__
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 1))"))
    db.session.commit()
    made("search_entries", search_index.rebuild())  # written in bulk above: no listener heard them
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))  # the planner's statistics, before anyone asks
        db.session.commit()
    echo(f"done in {time.perf_counter() - started:.1f} s; every account's password is {plan.password!r} "
         f"(admin, staff01…staff{plan.communities:02d}, org01…, r000001…)")
    return counts

