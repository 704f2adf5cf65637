"""Emergency notices, household flags and the door-to-door checklist: one function per act,
shared by the pages and the JSON API.

Each act checks permissions.py (NotFound where the caller may not know the thing exists,
Forbidden for the wrong people), validates (Invalid naming the fields; nothing is stored
then), writes, says what happened (courtyard/signals.py: the audit log and notifications
listen), commits, and — for the notice's acts — publishes `notice.updated` with the whole
notice to `courtyard:<id>` of every courtyard it was sent to, after the commit.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, events, signals
from ..deliberation.services import clean_text
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..places import permissions as place_permissions
from ..places.models import Building, Community, Courtyard, Unit
from ..places.services import find
from ..realtime import rooms
from ..validation import Fields, parse_datetime, parse_id, parse_id_filter
from . import payloads, permissions
from .models import (FlagKind, HouseholdFlag, Notice, NoticeCourtyard, NoticeKind, NoticeStatus, NoticeUpdate,
                     NoticeUpdateKind, Visit, VisitOutcome)

TITLE_MAX = 100
BODY_MAX = 2000
UPDATE_MAX = 1000
FLAG_NOTE_MAX = 200
VISIT_NOTE_MAX = 500
MAX_EXPECTED = timedelta(days=90)
BOARD_DAYS = 30      # a resolved notice stays on the 公示栏 this long
BOARD_SHOWN = 10


# --- reading -------------------------------------------------------------------------------

def _loaded(q: sa.Select) -> sa.Select:
    return q.options(selectinload(Notice.targets).joinedload(NoticeCourtyard.courtyard)
                     .joinedload(Courtyard.building).joinedload(Building.community),
                     selectinload(Notice.updates).joinedload(NoticeUpdate.author),
                     joinedload(Notice.created_by))


def get_notice(actor, notice_id) -> Notice:
    """A notice the actor may read; NotFound otherwise (its existence is private)."""
    notice = find(Notice, notice_id)
    if notice is None or not permissions.can_view_notice(actor, notice):
        raise NotFound()
    return notice


def notices_for(actor, *, status=None, courtyard_id=None) -> sa.Select:
    """The notices the actor may read, active ones first, newest first. Invalid on a filter
    that is not a status or an id."""
    f = Fields()
    q = permissions.visible_notices(actor)
    if status not in (None, ""):
        try:
            q = q.where(Notice.status == NoticeStatus(status))
        except ValueError:
            f.add("status", _l("Not one of the allowed values."))
    ident = parse_id_filter(f, "courtyard_id", courtyard_id)
    f.check()
    if ident is not None:
        q = q.where(Notice.id.in_(sa.select(NoticeCourtyard.notice_id).where(NoticeCourtyard.courtyard_id == ident)))
    active_first = sa.case((Notice.status == NoticeStatus.active, 0), else_=1)
    return _loaded(q.order_by(active_first, Notice.started_at.desc(), Notice.id.desc()))


def active_notices_of(actor, courtyard: Courtyard) -> list[Notice]:
    """The active notices sent to a courtyard, newest first, as far as the actor may read them."""
    q = permissions.visible_notices(actor).where(
        Notice.status == NoticeStatus.active,
        Notice.id.in_(sa.select(NoticeCourtyard.notice_id).where(NoticeCourtyard.courtyard_id == courtyard.id)))
    return list(db.session.scalars(_loaded(q.order_by(Notice.started_at.desc(), Notice.id.desc()))))


def board_notices(actor, community_id: int) -> list[Notice]:
    """The 公示栏's notices: active ones and those resolved in the last BOARD_DAYS, newest first."""
    if not permissions.can_read_board_notices(actor, community_id):
        return []
    since = clock.now() - timedelta(days=BOARD_DAYS)
    q = sa.select(Notice).where(Notice.community_id == community_id,
                                sa.or_(Notice.status == NoticeStatus.active, Notice.resolved_at >= since))
    return list(db.session.scalars(_loaded(q.order_by(Notice.started_at.desc(), Notice.id.desc()))
                                   .limit(BOARD_SHOWN)))


def courtyards_to_notify(actor) -> list[Courtyard]:
    """The courtyards the actor may send a notice to (their communities'), in building order."""
    if not place_permissions.is_any_staff(actor):
        return []
    q = sa.select(Courtyard).join(Building, Building.id == Courtyard.building_id).options(
        joinedload(Courtyard.building).joinedload(Building.community))
    if not place_permissions.is_street_admin(actor):
        q = q.where(Building.community_id.in_(place_permissions.staff_community_ids(actor)))
    return list(db.session.scalars(q.order_by(Building.community_id, Building.id)))


# --- posting, updating, resolving ------------------------------------------------------------

def _parse_kind(f: Fields, value) -> NoticeKind | None:
    try:
        return NoticeKind(value)
    except ValueError:
        f.add("kind", _l("Not one of the allowed values."))
        return None


def _parse_expected(f: Fields, value, now):
    value = parse_datetime(f, "expected_end_at", value, local=True, required=False)
    if value is None:
        return None
    if value <= now:
        f.add("expected_end_at", _l("Must be in the future."))
        return None
    if value > now + MAX_EXPECTED:
        f.add("expected_end_at", _l("Must be within 90 days."))
        return None
    return value


def _parse_courtyards(f: Fields, community: Community, value) -> list[int]:
    """The chosen courtyards: ids of courtyards of the community, at least one, each once."""
    if not isinstance(value, (list, tuple)) or not value:
        f.add("courtyard_ids", _l("Choose at least one courtyard."))
        return []
    ids = []
    for item in value:
        ident = parse_id(item)
        if ident is None:
            f.add("courtyard_ids", _l("Must be a list of ids."))
            return []
        if ident not in ids:
            ids.append(ident)
    found = set(db.session.scalars(sa.select(Courtyard.id).join(Building, Building.id == Courtyard.building_id)
                                   .where(Courtyard.id.in_(ids), Building.community_id == community.id)))
    if found != set(ids):
        f.add("courtyard_ids", _l("Choose courtyards of this community."))
        return []
    return sorted(ids)


def _publish(notice: Notice) -> None:
    db.session.flush()
    db.session.refresh(notice, ["targets", "updates"])
    payload = payloads.notice_json(notice)
    for courtyard_id in notice.courtyard_ids:
        events.publish("notice.updated", rooms.courtyard(courtyard_id), payload)


def create_notice(actor, community: Community, *, kind, title, body=None, courtyard_ids=None,
                  expected_end_at=None) -> Notice:
    """Post a notice (停水/停暖/停电…) to chosen courtyards of a community.

    Community staff and street administrators. Raises Forbidden, Invalid (kind, title, body,
    courtyard_ids, expected_end_at). Sends notice-posted (every member is told, by text too);
    publishes notice.updated to each courtyard.
    """
    if not permissions.can_post_notice(actor, community):
        raise Forbidden()
    now = clock.now()
    f = Fields()
    kind = _parse_kind(f, kind)
    title = f.text("title", clean_text(title), max_len=TITLE_MAX)
    body = f.text("body", clean_text(body), max_len=BODY_MAX, required=False) or ""
    ids = _parse_courtyards(f, community, courtyard_ids)
    expected = _parse_expected(f, expected_end_at, now)
    f.check()
    notice = Notice(community_id=community.id, kind=kind, title=title, body=body, status=NoticeStatus.active,
                    started_at=now, expected_end_at=expected, created_by_id=actor.id, created_at=now, updated_at=now)
    notice.targets = [NoticeCourtyard(courtyard_id=i) for i in ids]
    first = NoticeUpdate(kind=NoticeUpdateKind.posted, text=body or title, author_id=actor.id, created_at=now)
    notice.updates = [first]
    db.session.add(notice)
    db.session.flush()
    signals.notice_posted.send(notice, actor=actor, update=first)
    _publish(notice)
    db.session.commit()
    return notice


def _manageable(actor, notice: Notice) -> None:
    if not permissions.can_view_notice(actor, notice):
        raise NotFound()
    if not permissions.can_manage_notice(actor, notice):
        raise Forbidden()


def add_update(actor, notice: Notice, *, text, expected_end_at=None) -> NoticeUpdate:
    """A progress update on an active notice (抢修进度); optionally a new expected end.

    The notice's community staff. Raises NotFound, Forbidden, Invalid (text,
    expected_end_at), Conflict (resolved). Sends notice-updated; publishes notice.updated.
    """
    _manageable(actor, notice)
    now = clock.now()
    f = Fields()
    text = f.text("text", clean_text(text), max_len=UPDATE_MAX)
    expected = _parse_expected(f, expected_end_at, now)
    f.check()
    return _step(actor, notice, NoticeUpdateKind.update, text, now, signals.notice_updated,
                 updated_at=now, **({"expected_end_at": expected} if expected else {}))


def resolve_notice(actor, notice: Notice, *, text=None) -> Notice:
    """Water, heating, power … are back: the notice is resolved, with a closing word.

    The notice's community staff. Raises NotFound, Forbidden, Invalid (text), Conflict
    (resolved already: of two pressing at once one wins). Sends notice-resolved; publishes
    notice.updated.
    """
    _manageable(actor, notice)
    now = clock.now()
    f = Fields()
    text = f.text("text", clean_text(text), max_len=UPDATE_MAX, required=False) or ""
    f.check()
    _step(actor, notice, NoticeUpdateKind.resolved, text, now, signals.notice_resolved,
          status=NoticeStatus.resolved, resolved_at=now, updated_at=now)
    return notice


def _step(actor, notice: Notice, kind: NoticeUpdateKind, text: str, now, signal, **values) -> NoticeUpdate:
    """One step of an active notice's timeline: `values` set on the notice only while it is still
    active (of two pressing at once one wins: Conflict for the other), the entry added, `signal`
    sent, notice.updated published after the commit."""
    changed = db.session.execute(sa.update(Notice).where(Notice.id == notice.id,
                                                         Notice.status == NoticeStatus.active)
                                 .values(**values).execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict(_l("This notice has been resolved."))
    db.session.refresh(notice)
    update = NoticeUpdate(notice_id=notice.id, kind=kind, text=text, author_id=actor.id, created_at=now)
    db.session.add(update)
    db.session.flush()
    signal.send(notice, actor=actor, update=update)
    _publish(notice)
    db.session.commit()
    return update


# --- households ------------------------------------------------------------------------------

def get_unit(actor, unit_id) -> Unit:
    """A flat whose flags the actor keeps; NotFound for one of a courtyard they cannot see."""
    unit = find(Unit, unit_id)
    if unit is None or not place_permissions.can_view_courtyard(actor, unit.building.courtyard):
        raise NotFound()
    if not permissions.can_keep_flags(actor, unit.building.courtyard):
        raise Forbidden()
    return unit


def flags_of(unit_ids) -> dict[int, list[HouseholdFlag]]:
    out: dict[int, list[HouseholdFlag]] = {i: [] for i in unit_ids}
    if not out:
        return out
    for flag in db.session.scalars(sa.select(HouseholdFlag).where(HouseholdFlag.unit_id.in_(out))
                                   .options(joinedload(HouseholdFlag.set_by)).order_by(HouseholdFlag.id)):
        out[flag.unit_id].append(flag)
    return out


def households(actor, courtyard: Courtyard) -> list[tuple[Unit, list[HouseholdFlag]]]:
    """Every flat of the courtyard with its flags, for those who keep them. Raises NotFound, Forbidden."""
    if not place_permissions.can_view_courtyard(actor, courtyard):
        raise NotFound()
    if not permissions.can_keep_flags(actor, courtyard):
        raise Forbidden()
    units = list(courtyard.building.units)
    flags = flags_of([u.id for u in units])
    return [(u, flags[u.id]) for u in units]


def set_household_flags(actor, unit: Unit, *, kinds, note=None) -> list[HouseholdFlag]:
    """Say which of 独居/空巢/行动不便 hold for a flat (an empty list clears them), with a note.

    The community's staff, the courtyard's building leads and secretary. Raises NotFound,
    Forbidden, Invalid (kinds, note). A kind kept keeps who set it, unless its note changed.
    """
    courtyard = unit.building.courtyard
    if not place_permissions.can_view_courtyard(actor, courtyard):
        raise NotFound()
    if not permissions.can_keep_flags(actor, courtyard):
        raise Forbidden()
    f = Fields()
    wanted: list[FlagKind] = []
    if not isinstance(kinds, (list, tuple)):
        f.add("kinds", _l("Must be a list of values."))
    else:
        for k in kinds:
            try:
                kind = FlagKind(k)
            except (ValueError, TypeError):
                f.add("kinds", _l("Not one of the allowed values."))
                break
            if kind not in wanted:
                wanted.append(kind)
    note = f.text("note", clean_text(note), max_len=FLAG_NOTE_MAX, required=False)
    f.check()
    now = clock.now()
    existing = {fl.kind: fl for fl in flags_of([unit.id])[unit.id]}
    before = sorted(k.value for k in existing)
    for kind, flag in existing.items():
        if kind not in wanted:
            db.session.delete(flag)
    for kind in wanted:
        flag = existing.get(kind)
        if flag is None:
            db.session.add(HouseholdFlag(unit_id=unit.id, kind=kind, note=note, set_by_id=actor.id, set_at=now))
        elif flag.note != note:
            flag.note, flag.set_by_id, flag.set_at = note, actor.id, now
    after = sorted(k.value for k in wanted)
    if after != before or any(existing[k].note != note for k in wanted if k in existing):
        db.session.flush()
        signals.household_flags_set.send(unit, actor=actor, kinds=after, before=before, courtyard_id=courtyard.id)
    db.session.commit()
    return flags_of([unit.id])[unit.id]


# --- the door-to-door checklist --------------------------------------------------------------

def checklist(actor, notice: Notice) -> list[dict]:
    """The flagged flats of the notice's courtyards the actor visits, in building and flat
    order, each with its flags and its visit (None until ticked). Raises NotFound, Forbidden."""
    if not permissions.can_view_notice(actor, notice):
        raise NotFound()
    courtyard_ids = permissions.checklist_courtyard_ids(actor, notice)
    if not courtyard_ids:
        raise Forbidden()
    units = list(db.session.scalars(
        sa.select(Unit).join(Building, Building.id == Unit.building_id).join(Courtyard, Courtyard.building_id == Building.id)
        .where(Courtyard.id.in_(courtyard_ids), Unit.id.in_(sa.select(HouseholdFlag.unit_id)))
        .options(joinedload(Unit.building).joinedload(Building.courtyard))
        .order_by(Building.id, Unit.id)))
    flags = flags_of([u.id for u in units])
    visits = {v.unit_id: v for v in db.session.scalars(
        sa.select(Visit).where(Visit.notice_id == notice.id, Visit.unit_id.in_([u.id for u in units]))
        .options(joinedload(Visit.visited_by)))} if units else {}
    return [{"unit": u, "courtyard": u.building.courtyard, "flags": flags[u.id], "visit": visits.get(u.id)}
            for u in units]


def record_visit(actor, notice: Notice, *, unit_id, outcome, note=None) -> tuple[Visit, bool]:
    """敲门: tick a flat of the notice's checklist, with how they are and a note; a second tick
    replaces the first. Returns (visit, created).

    The community's staff; a building lead or secretary for the courtyards they lead. Raises
    NotFound, Forbidden, Invalid (unit_id, outcome, note), Conflict (the notice is resolved).
    """
    if not permissions.can_view_notice(actor, notice):
        raise NotFound()
    if not permissions.can_use_checklist(actor, notice):
        raise Forbidden()
    f = Fields()
    unit = find(Unit, unit_id)
    if unit is None:
        f.add("unit_id", _l("No such flat."))
    elif unit.building.courtyard.id not in notice.courtyard_ids:
        f.add("unit_id", _l("This flat is not in the notice's courtyards."))
    try:
        outcome = VisitOutcome(outcome)
    except (ValueError, TypeError):
        f.add("outcome", _l("Not one of the allowed values."))
    note = f.text("note", clean_text(note), max_len=VISIT_NOTE_MAX, required=False)
    f.check()
    if not permissions.can_visit(actor, notice, unit.building.courtyard.id):
        raise Forbidden()
    if notice.status != NoticeStatus.active:
        raise Conflict(_l("This notice has been resolved."))
    now = clock.now()
    visit = db.session.scalar(sa.select(Visit).where(Visit.notice_id == notice.id, Visit.unit_id == unit.id))
    created = visit is None
    if created:
        visit = Visit(notice_id=notice.id, unit_id=unit.id)
        db.session.add(visit)
    visit.outcome, visit.note, visit.visited_by_id, visit.visited_at = outcome, note, actor.id, now
    db.session.flush()
    signals.visit_recorded.send(visit, actor=actor, notice=notice, created=created)
    payload = payloads.visit_json(visit)
    for user_id in permissions.checklist_reader_ids(notice, unit.building.courtyard.id):
        events.publish("visit.recorded", rooms.user(user_id), payload)  # after the commit
    db.session.commit()
    return visit, created


def checklist_counts(rows: list[dict]) -> dict[str, int]:
    visited = [r for r in rows if r["visit"] is not None]
    return {"total": len(rows), "visited": len(visited),
            "needs_help": sum(1 for r in visited if r["visit"].outcome == VisitOutcome.needs_help)}


def community_of(actor, community_id) -> Community:
    """A community the actor may post notices to; NotFound when it does not exist, Forbidden otherwise."""
    community = find(Community, community_id)
    if community is None:
        raise NotFound()
    if not permissions.can_post_notice(actor, community):
        raise Forbidden()
    return community
