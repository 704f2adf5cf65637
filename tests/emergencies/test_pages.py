"""The pages, in English and Chinese: posting, the notice and its forms, the checklist, the
households, the pinned notice on a courtyard's home and the timeline on the 公示栏."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.emergencies import services
from courtyard.emergencies.models import HouseholdFlag, Notice, Visit
from courtyard.extensions import db





def test_staff_post_a_notice_from_the_menu(w, open_as):
    b = open_as(w.staff)
    assert 'href="/notices"' in b.text("/courtyards")
    assert 'href="/notices/new"' in b.text("/notices")
    form = b.text("/notices/new")
    assert w.east.name in form and w.third.name in form and "Heating off" in form
    r = b.post("/notices/new", {"kind": "heating", "title": "供暖主管道破裂，暂停供暖", "body": "抢修中",
                                "courtyard_ids": [str(w.east.id), str(w.west.id)], "expected_end_at": ""})
    assert r.status_code == 302
    notice = db.session.scalar(sa.select(Notice))
    assert r.headers["Location"].endswith(f"/notices/{notice.id}")
    page = b.text(f"/notices/{notice.id}")
    assert "供暖主管道破裂" in page and 'id="update-form"' in page and "Door-to-door checklist" in page


def test_a_bad_form_is_shown_again_with_its_fields_named(w, open_as):
    b = open_as(w.staff)
    r = b.post("/notices/new", {"kind": "heating", "title": "", "courtyard_ids": [str(w.east.id)]})
    assert r.status_code == 422 and "This field is required." in r.get_data(as_text=True)
    r = b.post("/notices/new", {"kind": "heating", "title": "停暖"})
    assert r.status_code == 422 and "Choose at least one courtyard." in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 0
    assert open_as(w.resident).get("/notices/new").status_code == 403


def test_updates_and_resolving_from_the_notice_page(w, open_as):
    notice = w.notice()
    b = open_as(w.staff)
    assert b.post(f"/notices/{notice.id}/updates", {"text": "已完成一处焊接"}).status_code == 302
    r = b.post(f"/notices/{notice.id}/updates", {"text": ""})
    assert r.status_code == 422 and "This field is required." in r.get_data(as_text=True)
    assert b.post(f"/notices/{notice.id}/resolve", {"text": "已恢复供暖"}).status_code == 302
    page = b.text(f"/notices/{notice.id}")
    assert "已完成一处焊接" in page and "已恢复供暖" in page and 'id="update-form"' not in page
    resident = open_as(w.resident).text(f"/notices/{notice.id}")
    assert "已恢复供暖" in resident and 'id="update-form"' not in resident and "checklist" not in resident
    assert open_as(w.third_resident).get(f"/notices/{notice.id}").status_code == 404
    assert open_as(w.resident).post(f"/notices/{notice.id}/updates", {"text": "x"}).status_code == 302  # flashed


def test_the_courtyard_home_pins_an_active_notice(w, open_as):
    notice = w.notice()
    home = open_as(w.resident, zh=True).text(f"/courtyards/{w.east.id}")
    assert 'id="pinned-notices"' in home and f'href="/notices/{notice.id}"' in home and "停暖" in home
    assert 'class="notice-card' not in open_as(w.third_resident).text(f"/courtyards/{w.third.id}")
    assert 'id="households-link"' not in home
    assert 'id="households-link"' in open_as(w.lead).text(f"/courtyards/{w.east.id}")
    services.resolve_notice(w.staff, notice)
    assert 'class="notice-card' not in open_as(w.resident).text(f"/courtyards/{w.east.id}")


def test_the_board_shows_the_timeline(w, open_as):
    notice = w.notice()
    services.add_update(w.staff, notice, text="第二处漏点抢修中")
    board = open_as(w.third_resident, zh=True).text(f"/communities/{w.community.id}/board")
    assert 'id="board-notices"' in board and "第二处漏点抢修中" in board and "供暖主管道破裂" in board


def test_households_are_kept_from_their_page(w, open_as):
    b = open_as(w.lead)
    assert 'href="/households"' in b.text("/courtyards")
    assert b.get("/households").headers["Location"].endswith(f"/courtyards/{w.east.id}/households")
    page = b.text(f"/courtyards/{w.east.id}/households")
    unit = w.unit()
    assert f'id="unit-{unit.id}"' in page and "Living alone" in page
    r = b.post(f"/courtyards/{w.east.id}/households/{unit.id}", {"kinds": ["living_alone", "empty_nest"],
                                                                 "note": "独居老人"})
    assert r.status_code == 302
    assert {f.kind.value for f in db.session.scalars(sa.select(HouseholdFlag))} == {"living_alone", "empty_nest"}
    b.post(f"/courtyards/{w.east.id}/households/{unit.id}", {"kinds": ["nonsense"]})
    assert db.session.scalar(sa.select(sa.func.count(HouseholdFlag.id))) == 2
    assert open_as(w.resident).get(f"/courtyards/{w.east.id}/households").status_code == 403
    assert 'href="/households"' not in open_as(w.resident).text("/courtyards")


def test_the_checklist_ticks_a_household(w, open_as):
    unit = w.unit()
    services.set_household_flags(w.staff, unit, kinds=["limited_mobility"], note="行动不便，住六层")
    notice = w.notice()
    for zh in (False, True):
        page = open_as(w.staff, zh=zh).text(f"/notices/{notice.id}/checklist")
        assert f'id="tick-{unit.id}"' in page and "行动不便，住六层" in page
    b = open_as(w.lead)
    r = b.post(f"/notices/{notice.id}/visits", {"unit_id": str(unit.id), "outcome": "needs_help", "note": "需要电暖气"})
    assert r.status_code == 302
    visit = db.session.scalar(sa.select(Visit))
    assert visit.outcome.value == "needs_help" and visit.note == "需要电暖气"
    page = b.text(f"/notices/{notice.id}/checklist")
    assert 'data-role="visited"' in page and "Needs help" in page
    b.post(f"/notices/{notice.id}/visits", {"unit_id": str(unit.id), "outcome": "bad"})
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 1
    assert open_as(w.resident).get(f"/notices/{notice.id}/checklist").status_code == 403


def test_every_page_reads_in_chinese(w, open_as):
    unit = w.unit()
    services.set_household_flags(w.staff, unit, kinds=["living_alone"])
    notice = w.notice()
    b = open_as(w.staff, zh=True)
    for path, words in (("/notices", "紧急通知"), ("/notices/new", "停暖"), (f"/notices/{notice.id}", "抢修进度"),
                        (f"/notices/{notice.id}/checklist", "敲门"), (f"/courtyards/{w.east.id}/households", "独居")):
        assert words in b.text(path), path
