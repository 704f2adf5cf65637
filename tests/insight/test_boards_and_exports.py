"""公示栏 and 曝光台 contents, and the exports (CSV with a BOM, Excel) parsed back."""
from __future__ import annotations

import csv
import re
import io
import secrets

import pytest
from openpyxl import load_workbook

from courtyard.deliberation.models import TopicPhoto
from courtyard.extensions import db
from courtyard.tasks.models import TaskPhoto, TaskStatus, TaskUpdate, UpdateKind
from courtyard.uploads.models import Upload
from courtyard.uploads.services import path_of

from .conftest import add_message, add_task, add_topic, bj, rate

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def photo(owner) -> Upload:
    u = Upload(owner_id=owner.id, stored_name=secrets.token_hex(8) + ".png", content_type="image/png",
               size=len(PNG), width=1, height=1)
    db.session.add(u)
    db.session.commit()
    path_of(u).write_bytes(PNG)
    return u


@pytest.fixture
def town(world, fixed_now):
    w = world
    a0, a1, _a2 = w.residents["a"]
    leak = add_topic(w.a, a0, "=顶楼漏雨", "repairs", bj(2026, 5, 3))
    before = photo(a0)
    db.session.add(TopicPhoto(topic_id=leak.id, upload_id=before.id))
    done = add_task(leak, w.p1, created_at=bj(2026, 5, 3, 12), status="verified", done_at=bj(2026, 5, 4),
                    verified_at=bj(2026, 5, 5))
    after = photo(w.p1_staff)
    upd = TaskUpdate(task_id=done.id, author_id=w.p1_staff.id, kind=UpdateKind.status, from_status=TaskStatus.in_progress,
                     to_status=TaskStatus.done, note="已修好", created_at=bj(2026, 5, 4))
    db.session.add(upd)
    db.session.flush()
    db.session.add(TaskPhoto(update_id=upd.id, upload_id=after.id))
    db.session.commit()
    rate(done, a0, "satisfied")
    rate(done, a1, "unsatisfied")
    decided = add_topic(w.b, w.residents["b"][0], "加装电梯", "facilities", bj(2026, 5, 6), status="decided")
    late = add_topic(w.a, a1, "单元门禁坏了", "facilities", bj(2026, 5, 10))
    late_task = add_task(late, w.p2, created_at=bj(2026, 5, 10, 12), status="in_progress", escalation_level=1)
    db.session.add(TaskUpdate(task_id=late_task.id, author_id=w.p1_staff.id, kind=UpdateKind.note,
                              note="配件在路上，下周更换", created_at=bj(2026, 5, 12)))
    db.session.add(TaskUpdate(task_id=late_task.id, author_id=w.staff_c1.id, kind=UpdateKind.escalated,
                              note="催办", created_at=bj(2026, 5, 14)))
    db.session.commit()
    silent = add_task(add_topic(w.a, a0, "路灯不亮", "safety", bj(2026, 5, 20)), w.p1,
                      created_at=bj(2026, 5, 20, 12), status="assigned")
    other = add_task(add_topic(w.x, w.residents["x"][0], "X 楼漏水", "repairs", bj(2026, 5, 21)), w.p1,
                     created_at=bj(2026, 5, 21, 12), status="assigned")
    add_message(leak, w.p1_staff, bj(2026, 5, 3, 11), org=w.p1)
    return w, {"leak": leak, "done": done, "before": before, "after": after, "decided": decided,
               "late_task": late_task, "silent": silent, "other": other}


def test_board_lists_decided_and_accepted_with_photos_and_ratings(api, town):
    w, t = town
    body = api.as_(w.residents["b"][1]).get(f"/communities/{w.c1.id}/board").get_json()
    [decided] = body["decided"]
    assert decided["title"] == "加装电梯" and decided["courtyard"].endswith("2号楼")
    [done] = body["resolved"]
    assert done["title"] == "=顶楼漏雨" and done["organization"] == "方庄物业"
    assert [p["id"] for p in done["before_photos"]] == [t["before"].id]
    assert [p["id"] for p in done["after_photos"]] == [t["after"].id]
    assert done["ratings"] == {"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 1, "total": 2}
    assert done["satisfaction_rate"] == 0.5 and done["hours_to_resolve"] == 46.0


def test_board_photos_are_served_to_the_communitys_residents_only(app, api, town):
    from .test_pages import browse
    w, t = town
    b = browse(app, w.residents["b"][0])   # another building of the same community
    for upload in (t["before"], t["after"]):
        r = b.get(f"/communities/{w.c1.id}/board/photos/{upload.id}")
        assert r.status_code == 200 and r.data == PNG and r.mimetype == "image/png"
        assert "sandbox" in r.headers["Content-Security-Policy"]
    outsider = browse(app, w.residents["x"][0])
    assert outsider.get(f"/communities/{w.c1.id}/board/photos/{t['before'].id}").status_code == 404
    stray = photo(w.residents["a"][0])  # not on the board
    assert b.get(f"/communities/{w.c1.id}/board/photos/{stray.id}").status_code == 404


def test_exposure_lists_overdue_tasks_by_organization_with_their_reply(api, town):
    w, t = town
    body = api.as_(w.residents["a"][0]).get(f"/communities/{w.c1.id}/exposure").get_json()
    assert body["total"] == 2
    orgs = {g["organization"]: g for g in body["organizations"]}
    assert set(orgs) == {"方庄物业", "芳华物业"}
    [late] = orgs["芳华物业"]["tasks"]
    assert late["reply"]["note"] == "配件在路上，下周更换"   # the escalation's note is not the org's reply
    assert late["escalation_level"] == 1 and late["overdue_hours"] > 24 * 30
    [silent] = orgs["方庄物业"]["tasks"]
    assert silent["task_id"] == t["silent"].id and silent["reply"] is None


def test_ranking_api_for_residents(api, town):
    w, _t = town
    body = api.as_(w.residents["a"][0]).get(f"/communities/{w.c1.id}/ranking",
                                            query_string={"from": "2026-05-01", "to": "2026-05-31"}).get_json()
    names = [r["name"] for r in body["property_companies"]]
    assert names == ["方庄物业", "芳华物业"]
    assert body["property_companies"][0]["on_time"] == {"numerator": 1, "denominator": 2}
    assert [b["name"] for b in body["buildings"]] == ["2号楼", "1号楼"] or len(body["buildings"]) == 1
    r = api.as_(w.residents["a"][0]).get(f"/communities/{w.c1.id}/ranking?sort=bogus")
    assert r.status_code == 422 and "sort" in r.get_json()["error"]["fields"]


def _csv(r):
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.data.startswith(b"\xef\xbb\xbf")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert "attachment" in r.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))


def test_topics_csv(api, town):
    w, t = town
    rows = _csv(api.as_(w.staff_c1).get("/exports", query_string={
        "scope": f"community:{w.c1.id}", "from": "2026-05-01", "to": "2026-05-31", "what": "topics"}))
    header, body = rows[0], rows[1:]
    assert len(header) == 12 and len(body) == 4
    by_id = {int(r[0]): r for r in body}
    leak = by_id[t["leak"].id]
    assert leak[6] == "'=顶楼漏雨"                 # a formula would run in a spreadsheet: neutralised
    assert leak[1] == "2026-05-03 10:00" and leak[10] == "2026-05-03 11:00" and leak[11] == "1.0"
    assert t["other"].topic_id not in by_id       # another community
    assert {r[5] for r in body} <= {"新提出", "讨论中", "已决定", "已关闭", "已合并"}  # statuses in words


def test_tasks_csv(api, town):
    w, t = town
    rows = _csv(api.as_(w.admin).get("/exports", query_string={
        "scope": "street", "from": "2026-05-01", "to": "2026-05-31", "what": "tasks"}))
    body = {int(r[0]): r for r in rows[1:]}
    assert set(body) == {t["done"].id, t["late_task"].id, t["silent"].id, t["other"].id}
    done = body[t["done"].id]
    assert done[7] == "居民已验收" and done[16] == "46.0" and done[17:] == ["1", "0", "1"]  # words, not codes
    assert body[t["late_task"].id][7] == "办理中" and body[t["late_task"].id][14] == "已上报社区"
    assert all(not re.fullmatch(r"[a-z_]+", cell) for row in rows[1:] for cell in row)  # no code anywhere


def test_figures_csv_and_excel_workbook(api, town):
    w, _t = town
    q = {"scope": f"community:{w.c1.id}", "from": "2026-05-01", "to": "2026-05-31"}
    rows = _csv(api.as_(w.staff_c1).get("/exports", query_string={**q, "what": "figures"}))
    assert any(r[2] == "0.3333" and r[3:5] == ["1", "3"] for r in rows[1:])   # resolution: 1 of 3
    r = api.as_(w.staff_c1).get("/exports", query_string={**q, "format": "xlsx"})
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert r.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(r.data), read_only=True)
    assert len(wb.sheetnames) == 3
    topics = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert len(topics) == 5 and any(row[6] == "'=顶楼漏雨" for row in topics)
    tasks = list(wb[wb.sheetnames[1]].iter_rows(values_only=True))
    assert len(tasks) == 4


def test_exports_carry_no_votes(api, town):
    from courtyard.voting.models import Choice, Proposal, ProposalStatus, Rule, Vote
    w, t = town
    voter = w.residents["b"][0]
    proposal = Proposal(topic_id=t["decided"].id, author_id=voter.id, title="方案", body="方案",
                        status=ProposalStatus.voting, rule=Rule.majority, secret=True, opened_at=bj(2026, 5, 6),
                        closes_at=bj(2026, 6, 30))
    db.session.add(proposal)
    db.session.flush()
    db.session.add(Vote(proposal_id=proposal.id, voter_key=f"u{voter.id}", user_id=voter.id, choice=Choice.no))
    db.session.commit()
    q = {"scope": "street", "from": "2026-05-01", "to": "2026-05-31"}
    for extra in ({"what": "topics"}, {"what": "tasks"}, {"what": "figures"}):
        text = api.as_(w.admin).get("/exports", query_string={**q, **extra}).data.decode("utf-8-sig")
        assert "方案" not in text and ",no," not in text
    wb = load_workbook(io.BytesIO(api.as_(w.admin).get("/exports", query_string={**q, "format": "xlsx"}).data))
    cells = {str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row}
    assert "方案" not in cells and "no" not in cells


@pytest.mark.parametrize("extra, field", [({"what": "votes"}, "what"), ({"format": "pdf"}, "format"),
                                          ({"from": "soon"}, "from")])
def test_bad_export_parameters(api, world, extra, field):
    r = api.as_(world.admin).get("/exports", query_string={"scope": "street", **extra})
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]
