"""seed-scale's emergencies: a year of notices (停水/停暖/停电…) across the street, each with its
timeline, and the vulnerable households (独居/空巢/行动不便) that staff knocked on during them.

About one flat in 25 is flagged (Fangzhuang's elderly share), and every notice of heating or
water reached its courtyards' flagged flats with a visit. The last notice of the year is still
in progress, so the street has one live emergency, as the heating-main story in the articles.
"""
from __future__ import annotations

from datetime import timedelta

from ..emergencies.models import HouseholdFlag, Notice, NoticeCourtyard, NoticeUpdate, Visit
from .scale import _bj, _insert
from .scale_extras import Scale

STORIES = (  # kind, title, progress updates, closing line
    ("heating", "供暖主管线破裂，暂停供暖", ("抢修队已到现场，正在开挖。", "破损管段已更换，正在注水升温。"), "已恢复供暖，室温回升中。"),
    ("water", "二次供水设施检修，临时停水", ("检修进行中，预计下午恢复。",), "已恢复供水，如水质浑浊请放水片刻。"),
    ("power", "配电室故障，部分楼栋停电", ("供电公司已到场抢修。", "已临时接入发电车，电梯恢复运行。"), "供电已恢复正常。"),
    ("lift", "电梯例行维保，暂停使用", ("维保完成一半，请走楼梯注意安全。",), "电梯已恢复使用。"),
    ("gas", "燃气管道巡检，临时停气", ("巡检发现一处接口渗漏，正在更换。",), "已恢复供气，请检查灶具。"),
)
VISIT_NOTES = ("老人在家，身体状况良好。", "已送去热水袋和棉被。", "子女已接走。", "需要帮忙打水，已安排志愿者。", "")


def seed(scale: Scale, made) -> list:
    rng = scale.rng
    flats_of: dict[int, list[int]] = {}
    for m in scale.members:
        if m["unit_id"] is not None:
            flats_of.setdefault(m["courtyard_id"], []).append(m["unit_id"])
    flags, flagged_of = [], {}
    for courtyard_id, flats in flats_of.items():
        chosen = sorted(u for u in set(flats) if rng.random() < 0.04)
        flagged_of[courtyard_id] = chosen
        lead = scale.secretary_of.get(courtyard_id)
        for unit_id in chosen:
            kinds = rng.sample(("living_alone", "empty_nest", "limited_mobility"), rng.choice((1, 1, 2)))
            for kind in kinds:
                flags.append({"id": len(flags) + 1, "unit_id": unit_id, "kind": kind, "note": None,
                              "set_by_id": lead, "set_at": scale.created})
    made("household_flags", _insert(HouseholdFlag.__table__, flags))

    courtyards_of: dict[int, list[int]] = {}
    for b in scale.buildings:
        courtyards_of.setdefault(b["community_id"], []).append(b["id"])  # courtyard id = building id
    notices, targets, updates, visits = [], [], [], []
    days = (scale.until - scale.first_day).days
    for c in scale.communities:
        staff = scale.staff_of[c["id"]]
        for n in range(rng.randint(3, 6)):
            kind, title, progress, closing = rng.choice(STORIES)
            started = _bj(scale.first_day + timedelta(days=rng.randrange(days)), rng.uniform(6, 20))
            live = False
            reached = rng.sample(courtyards_of[c["id"]], min(len(courtyards_of[c["id"]]), rng.randint(1, 4)))
            hours = [rng.uniform(1, 10) for _ in progress] + [rng.uniform(2, 30)]
            resolved = started + timedelta(hours=sum(hours))
            if resolved > scale.end:
                live = True
            notice_id = len(notices) + 1
            notices.append({"id": notice_id, "community_id": c["id"], "kind": kind, "title": title,
                            "body": f"{title}，涉及{len(reached)}个楼门。如有困难请联系社区。",
                            "status": "active" if live else "resolved", "started_at": started,
                            "expected_end_at": started + timedelta(hours=12),
                            "resolved_at": None if live else resolved, "created_by_id": staff,
                            "created_at": started, "updated_at": started})
            targets += [{"notice_id": notice_id, "courtyard_id": cy} for cy in sorted(reached)]
            at = started
            updates.append({"id": len(updates) + 1, "notice_id": notice_id, "kind": "posted", "text": title,
                            "author_id": staff, "created_at": at})
            for text, h in zip((*progress, closing), hours):
                at += timedelta(hours=h)
                if at > scale.end:
                    break
                updates.append({"id": len(updates) + 1, "notice_id": notice_id,
                                "kind": "resolved" if text == closing else "update", "text": text,
                                "author_id": staff, "created_at": at})
                notices[-1]["updated_at"] = at
            if kind in ("heating", "water", "power"):
                for cy in reached:
                    for unit_id in flagged_of.get(cy, ()):
                        visited = started + timedelta(hours=rng.uniform(0.5, 6))
                        if visited > scale.end:
                            continue
                        needs = rng.random() < 0.15
                        visits.append({"id": len(visits) + 1, "notice_id": notice_id, "unit_id": unit_id,
                                       "outcome": "needs_help" if needs else "ok",
                                       "note": rng.choice(VISIT_NOTES) or None,
                                       "visited_by_id": scale.secretary_of.get(cy, staff), "visited_at": visited})
    made("notices", _insert(Notice.__table__, notices))
    _insert(NoticeCourtyard.__table__, targets)
    made("notice_updates", _insert(NoticeUpdate.__table__, updates))
    made("notice_visits", _insert(Visit.__table__, visits))
    return [HouseholdFlag, Notice, NoticeUpdate, Visit]
