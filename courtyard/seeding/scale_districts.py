"""seed-scale's districts (片区): Fangzhuang's five 片区治理服务站 (“古城群星紫”) covering the 17
communities, a staff member for each station, about one topic in 50 raised to its district (吹哨)
with a discussion among the district's secretaries and the station, and experience cases: a
third of the resolved threads and a few decided or completed topics of each district.

Communities join the district their name belongs to (芳古园… → 芳古片区, 芳城园… → 芳城片区,
芳群园… → 芳群片区, 芳星园… → 芳星片区, the rest → 紫芳片区); a smaller plan's first communities
fill the first districts only, and every district exists.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..districts.models import DistrictPost, DistrictStaff, DistrictThread, ExperienceCase
from ..extensions import db
from ..places.models import Community, District
from .scale import _insert
from .scale_extras import Scale

DISTRICTS = (  # name, station, address, the prefix of its communities' names (None: the rest)
    ("芳古片区", "芳古片区治理服务站", "芳古园一区社区服务站二层", "芳古"),
    ("芳城片区", "芳城片区治理服务站", "芳城园二区社区党群服务中心", "芳城园"),
    ("芳群片区", "芳群片区治理服务站", "芳群园四区社区服务站", "芳群"),
    ("芳星片区", "芳星片区治理服务站", "芳星园二区社区服务站", "芳星"),
    ("紫芳片区", "紫芳片区治理服务站", "紫芳园社区服务站", None),
)
STATION_STAFF = ("韩立新", "周建华", "刘桂芝", "孙卫东", "王海燕")
RAISE_ONE_IN = 50
REASONS = ("几个社区都有同样的问题，需要片区统一协调产权单位。", "涉及供电、燃气等专业单位，社区单独协调不动。",
           "需要街道的专项资金，想和相邻社区一起申请。", "物业合同到期，几个小区想统一比选物业。")
POSTS = ("我们社区也遇到过，去年是和产权单位一起出资解决的。", "建议先摸底各楼门的意见，再一起对接。",
         "片区已经联系了相关部门，下周现场踏勘。", "这个办法可行，我们社区愿意参加。", "补充一下我们这边的情况，已整理成表。",
         "已和物业、居民代表开了协调会，意见基本一致。")
SUMMARIES = ("片区统一协调产权单位出资，社区组织居民议事确定方案，物业负责日常维护，三个月内完成。",
             "先摸清各楼门意愿，再集中比选施工单位、价格公示，居民代表全程监督验收。",
             "街道专项资金兜底，社区和物业分工负责，办结后回访满意率达到九成以上。")
SOLVED = ("decided", "closed")


def _district_of(name: str) -> int:
    """The index in DISTRICTS of the district a community's name belongs to."""
    return next((i for i, (_n, _s, _a, prefix) in enumerate(DISTRICTS) if prefix and name.startswith(prefix)),
                len(DISTRICTS) - 1)


def seed(scale: Scale, made) -> list:
    rng = scale.rng
    districts = [{"id": i + 1, "name": name, "station_name": station, "station_address": address,
                  "created_at": scale.created} for i, (name, station, address, _p) in enumerate(DISTRICTS)]
    made("districts", _insert(District.__table__, districts))
    district_of = {c["id"]: _district_of(c["name"]) + 1 for c in scale.communities}
    table = Community.__table__
    assignments = [{"cid": cid, "did": did} for cid, did in district_of.items()]
    if assignments:
        db.session.execute(sa.update(table).where(table.c.id == sa.bindparam("cid"))
                           .values(district_id=sa.bindparam("did")), assignments)

    staff, station_of = [], {}
    for d, name in zip(districts, STATION_STAFF):
        uid = len(scale.users) + 1
        user = {"id": uid, "login": f"district{d['id']:02d}", "password_hash": scale.hashed, "display_name": name,
                "is_street_admin": False, "is_active_account": True, "session_epoch": 0, "created_at": scale.created}
        scale.users.append(user)
        staff.append(user)
        station_of[d["id"]] = uid
    _insert(User.__table__, staff)
    made("district_staff", _insert(DistrictStaff.__table__, [
        {"id": i + 1, "district_id": did, "user_id": uid, "created_at": scale.created}
        for i, (did, uid) in enumerate(station_of.items())]))

    community_of = {b["id"]: b["community_id"] for b in scale.buildings}  # courtyard id = building id
    secretaries_of: dict[int, list[int]] = {}
    for courtyard_id, uid in scale.secretary_of.items():
        secretaries_of.setdefault(district_of[community_of[courtyard_id]], []).append(uid)
    threads, posts, cases = [], [], []
    raised: set[int] = set()
    for topic in scale.topics:
        if topic["status"] in ("withdrawn", "merged") or rng.randrange(RAISE_ONE_IN):
            continue
        community_id = community_of[topic["courtyard_id"]]
        did = district_of[community_id]
        at = topic["created_at"] + timedelta(days=rng.uniform(1, 10))
        if at > scale.end:
            continue
        thread_id = len(threads) + 1
        raised.add(topic["id"])
        voices = secretaries_of.get(did, []) + [station_of[did]]
        last = at
        n_posts = 0
        for _ in range(rng.randint(2, 6)):
            last = last + timedelta(hours=rng.uniform(2, 48))
            if last > scale.end:
                break
            posts.append({"id": len(posts) + 1, "thread_id": thread_id, "author_id": rng.choice(voices),
                          "body": rng.choice(POSTS), "created_at": last})
            n_posts += 1
        resolved = last + timedelta(days=rng.uniform(3, 30))
        done = resolved <= scale.end and rng.random() < 0.6
        threads.append({"id": thread_id, "district_id": did, "title": topic["title"][:100],
                        "body": rng.choice(REASONS), "category": topic["category"],
                        "status": "resolved" if done else "open",
                        "author_id": scale.secretary_of.get(topic["courtyard_id"], scale.staff_of[community_id]),
                        "community_id": community_id, "source_topic_id": topic["id"], "post_count": n_posts,
                        "created_at": at, "last_activity_at": last, "resolved_at": resolved if done else None})
        if done and rng.random() < 0.35:
            cases.append({"id": len(cases) + 1, "district_id": did, "topic_id": None, "thread_id": thread_id,
                          "community_id": community_id, "title": topic["title"][:100], "category": topic["category"],
                          "summary": rng.choice(SUMMARIES), "marked_by_id": station_of[did],
                          "created_at": min(resolved + timedelta(days=1), scale.end)})
    per_district: dict[int, int] = {}
    for topic in scale.topics:  # a few solved topics of each district, kept as cases too
        did = district_of[community_of[topic["courtyard_id"]]]
        if topic["status"] not in SOLVED or per_district.get(did, 0) >= 4 or rng.random() > 0.02:
            continue
        per_district[did] = per_district.get(did, 0) + 1
        cases.append({"id": len(cases) + 1, "district_id": did, "topic_id": topic["id"], "thread_id": None,
                      "community_id": community_of[topic["courtyard_id"]], "title": topic["title"][:100],
                      "category": topic["category"], "summary": rng.choice(SUMMARIES),
                      "marked_by_id": station_of[did],
                      "created_at": min(topic["created_at"] + timedelta(days=30), scale.end)})
    made("district_threads", _insert(DistrictThread.__table__, threads))
    made("district_posts", _insert(DistrictPost.__table__, posts))
    made("experience_cases", _insert(ExperienceCase.__table__, cases))
    return [District, DistrictStaff, DistrictThread, DistrictPost, ExperienceCase]
