"""seed-scale's project pool (民生项目池): about thirteen projects in the street's year — a dozen
and a bit, as 方庄's 民生项目池 took on eleven — each taken on from a task whistled up to the
street (level 2) or, when the year had too few, from an escalated or plain topic, led by a
department, with a budget, milestones ticked as the work went, a timeline, and links to one to
three topics of its community. Those whose year is over are mostly completed; the latest are
still proposed, approved or under way; one was cancelled.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ..projects.models import Project, ProjectLink, ProjectMilestone, ProjectUpdate
from .scale import _insert
from .scale_extras import Scale

KINDS = (  # title, budget source, 万元 range, milestones, progress notes
    ("老旧小区电动车集中充电棚改造", "street_fund", (30, 60),
     ("居民议事确定选址", "方案设计与消防审核", "施工进场", "充电设备安装调试", "竣工验收"),
     ("飞线已全部拆除。", "充电棚钢结构已进场。")),
    ("加装电梯", "district_finance", (60, 150),
     ("意见征询", "规划公示", "施工许可", "电梯安装", "验收运行"), ("同意率已达到三分之二。", "电梯井道施工完成。")),
    ("雨污管线改造", "district_finance", (80, 260),
     ("管线勘测", "施工招标", "分段开挖施工", "路面恢复", "竣工验收"), ("第一段管线已更换。", "路面已恢复通行。")),
    ("屋面防水整体翻修", "maintenance_fund", (20, 90),
     ("维修资金使用表决", "施工招标", "屋面防水施工", "竣工验收"), ("屋面旧防水层已铲除。",)),
    ("楼道照明与消防设施更新", "street_fund", (8, 30),
     ("现场排查", "设备采购", "安装调试"), ("感应灯已全部更换。",)),
    ("停车秩序综合治理", "street_fund", (10, 40),
     ("车位摸排", "划线与道闸方案", "施工", "试运行"), ("道闸已安装，外来车辆按次收费。",)),
    ("垃圾分类驿站升级", "street_fund", (8, 20), ("选址", "设备采购安装", "试运行"), ("新桶和洗手台已到位。",)),
    ("适老化改造与楼道扶手加装", "district_finance", (15, 45),
     ("入户评估", "方案确认", "施工", "回访"), ("扶手已在三个单元装好。",)),
)
SOURCES_NOTE = {"street_fund": "街道民生资金", "district_finance": "区财政，居民自筹部分另计",
                "maintenance_fund": "专项维修资金"}


def _count(days: int) -> int:
    return max(3, min(15, round(13 * days / 365)))


def seed(scale: Scale, made) -> list:
    rng = scale.rng
    topic_of = {t["id"]: t for t in scale.topics}
    task_of = {t["id"]: t for t in scale.tasks}
    community_of = {b["id"]: b["community_id"] for b in scale.buildings}  # courtyard id = building id
    # where they come from: tasks whistled up to the street first, then to the community, then topics
    level2 = sorted({e["task_id"]: e for e in scale.escalations if e["level"] == 2}.values(), key=lambda e: e["id"])
    level1 = sorted({e["task_id"]: e for e in scale.escalations if e["level"] == 1}.values(), key=lambda e: e["id"])
    n = _count((scale.until - scale.first_day).days)
    sources: list[tuple[dict, dict | None, object]] = []  # (topic, task or None, when)
    seen_topics: set[int] = set()
    for e in level2 + level1:
        task = task_of[e["task_id"]]
        if task["topic_id"] in seen_topics:
            continue
        seen_topics.add(task["topic_id"])
        sources.append((topic_of[task["topic_id"]], task, e["created_at"]))
    if len(sources) > n:
        sources = sorted(rng.sample(sources, n), key=lambda s: s[2])
    spare = [t for t in scale.topics if t["id"] not in seen_topics and t["status"] not in ("withdrawn", "merged")]
    while len(sources) < n and spare:
        topic = spare.pop(rng.randrange(len(spare)))
        sources.append((topic, None, topic["created_at"] + timedelta(days=rng.uniform(3, 20))))
    sources.sort(key=lambda s: s[2])

    projects, milestones, updates, links = [], [], [], []
    by_community: dict[int, list[dict]] = {}
    for t in scale.topics:
        by_community.setdefault(community_of[t["courtyard_id"]], []).append(t)
    cancelled_one = False
    for i, (topic, task, when) in enumerate(sources):
        pid = i + 1
        title, source, (lo, hi), steps, notes = KINDS[rng.randrange(len(KINDS))]
        created = min(when + timedelta(hours=rng.uniform(4, 72)), scale.end - timedelta(days=1))
        age_days = (scale.end - created).days
        owner = rng.choice(scale.department_ids)
        worker = scale.org_staff[owner]
        amount = Decimal(rng.randint(lo, hi) * 10000)
        # how far it got: by its age (a project takes two to five months)
        span = timedelta(days=rng.uniform(60, 150))
        if not cancelled_one and 30 < age_days < 200 and rng.random() < 0.3:
            status, reached = "cancelled", 1
            cancelled_one = True
        elif created + span < scale.end:
            status, reached = "completed", len(steps)
        elif age_days > 20:
            status, reached = "in_progress", max(1, min(len(steps) - 1, round(len(steps) * age_days * 86400
                                                                                / span.total_seconds())))
        elif age_days > 5:
            status, reached = "approved", 1
        else:
            status, reached = "proposed", 0
        project_title = f"{title}（{topic['title'][:12]}）" if rng.random() < 0.3 else title
        moves = {"proposed": (), "approved": ("approved",), "in_progress": ("approved", "in_progress"),
                 "completed": ("approved", "in_progress", "completed"), "cancelled": ("approved", "cancelled")}[status]
        times = [created + span * (k + 1) / (len(moves) + 1) for k in range(len(moves))]
        if status == "completed":
            times[-1] = created + span
        seq = 1
        updates.append({"project_id": pid, "kind": "created", "from_status": None, "to_status": "proposed",
                        "text": f"由“{topic['title']}”转入民生项目池。", "author_id": scale.admin_id,
                        "created_at": created})
        prev = "proposed"
        for to, at in zip(moves, times):
            who = scale.admin_id if to in ("approved", "cancelled") else worker
            updates.append({"project_id": pid, "kind": "status", "from_status": prev, "to_status": to,
                            "text": "资金已批复。" if to == "approved" else ("因规划调整暂缓，转入下一年度。" if to == "cancelled" else ""),
                            "author_id": who, "created_at": at})
            prev, seq = to, seq + 1
        for k, step in enumerate(steps):
            due = (created + span * (k + 1) / len(steps)).date()
            done = created + span * (k + 0.8) / len(steps) if k < reached else None
            if done is not None and done > scale.end:
                done = None
            milestones.append({"project_id": pid, "title": step, "due_on": due, "done_at": done,
                               "done_by_id": worker if done else None, "note": "", "position": k})
            if done is not None:
                updates.append({"project_id": pid, "kind": "milestone", "from_status": None, "to_status": None,
                                "text": step, "author_id": worker, "created_at": done})
                seq += 1
        if status in ("in_progress", "completed"):
            for note in notes[:max(1, reached - 1)]:
                at = created + span * rng.uniform(0.3, 0.9)
                if at < scale.end:
                    updates.append({"project_id": pid, "kind": "progress", "from_status": None, "to_status": None,
                                    "text": note, "author_id": worker, "created_at": at})
                    seq += 1
        last = max(u["created_at"] for u in updates if u["project_id"] == pid)
        projects.append({"id": pid, "title": project_title, "summary": f"{topic['title']}等问题由街道统筹解决：{title}。",
                         "owner_org_id": owner, "budget_amount": amount, "budget_source": source,
                         "budget_note": SOURCES_NOTE[source], "status": status, "created_by_id": scale.admin_id,
                         "created_at": created, "updated_at": last,
                         "completed_at": times[-1] if status == "completed" else None, "seq": seq})
        linked = {topic["id"]}
        links.append({"project_id": pid, "topic_id": topic["id"], "task_id": task["id"] if task else None,
                      "courtyard_id": topic["courtyard_id"], "created_by_id": scale.admin_id, "created_at": created,
                      "confirmed_at": created})
        neighbours = [t for t in by_community[community_of[topic["courtyard_id"]]]
                      if t["category"] == topic["category"] and t["id"] not in linked and t["created_at"] < created]
        for other in rng.sample(neighbours, min(len(neighbours), rng.randint(0, 2))):
            linked.add(other["id"])
            links.append({"project_id": pid, "topic_id": other["id"], "task_id": None,
                          "courtyard_id": other["courtyard_id"], "created_by_id": scale.staff_of[
                              community_of[other["courtyard_id"]]], "created_at": created + timedelta(days=2),
                          "confirmed_at": created + timedelta(days=3)})
    updates.sort(key=lambda u: (u["created_at"], u["project_id"]))
    for k, row in enumerate(updates, start=1):
        row["id"] = k
    for k, row in enumerate(milestones, start=1):
        row["id"] = k
    for k, row in enumerate(links, start=1):
        row["id"] = k
    made("projects", _insert(Project.__table__, projects))
    made("project_milestones", _insert(ProjectMilestone.__table__, milestones))
    made("project_updates", _insert(ProjectUpdate.__table__, updates))
    made("project_links", _insert(ProjectLink.__table__, links))
    return [Project, ProjectMilestone, ProjectUpdate, ProjectLink]
