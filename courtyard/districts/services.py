"""Districts (片区): their administration, the district courtyard's threads and posts, raising a
community topic to its district (吹哨), and experience cases (经验案例). One function per act,
shared by the pages, the JSON API and the Socket.IO command.

Each act checks permissions.py (NotFound where the caller may not know the thing exists,
Forbidden for the wrong people), validates (Invalid naming the fields; nothing is stored
then), writes, says what happened (courtyard/signals.py: the audit log listens), commits,
and publishes `district.*` facts to `district:<id>` after the commit.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import clock, events, signals
from ..accounts.models import User
from ..deliberation import permissions as topic_permissions
from ..deliberation.models import Category, Topic, TopicStatus
from ..deliberation.services import check_blocked_words, clean_text
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..places.models import Building, Community, Courtyard, District
from ..places.services import find
from ..realtime import rooms
from ..validation import Fields, parse_id, parse_id_filter
from . import payloads, permissions
from .models import DistrictPost, DistrictStaff, DistrictThread, ExperienceCase, ThreadStatus

NAME_MAX = 64
STATION_MAX = 100
ADDRESS_MAX = 200
TITLE_MAX = 100
BODY_MAX = 4000
POST_MAX = 2000
REASON_MAX = 1000
SUMMARY_MAX = 1000
SOLVED_TOPICS = (TopicStatus.decided, TopicStatus.closed)  # a topic may become a case once solved
UNRAISABLE = (TopicStatus.closed, TopicStatus.withdrawn, TopicStatus.merged)


# --- districts ---------------------------------------------------------------------------------

def get_district(actor, district_id) -> District:
    """A district whose courtyard the actor may enter; NotFound otherwise."""
    district = find(District, district_id)
    if district is None or not permissions.is_member(actor, district):
        raise NotFound()
    return district


def districts_for(actor) -> list[District]:
    """The districts whose courtyard the actor may enter, with their communities."""
    return list(db.session.scalars(permissions.visible_districts(actor).options(
        joinedload(District.communities))).unique())


def all_districts(actor) -> list[District]:
    """Every district with its communities, for street administrators; Forbidden for others."""
    if not permissions.can_manage_districts(actor):
        raise Forbidden()
    return list(db.session.scalars(sa.select(District).order_by(District.id).options(
        joinedload(District.communities))).unique())


def district_of_topic(topic: Topic) -> District | None:
    community = topic.courtyard.building.community
    return community.district


def staff_of(district: District) -> list[User]:
    return list(db.session.scalars(sa.select(User).join(DistrictStaff, DistrictStaff.user_id == User.id)
                                   .where(DistrictStaff.district_id == district.id).order_by(DistrictStaff.id)))


def _district_fields(f: Fields, *, name, station_name, station_address, district: District | None):
    name = f.text("name", clean_text(name), max_len=NAME_MAX)
    station_name = f.text("station_name", clean_text(station_name), max_len=STATION_MAX, required=False)
    station_address = f.text("station_address", clean_text(station_address), max_len=ADDRESS_MAX, required=False)
    if name and db.session.scalar(sa.select(District.id).where(
            District.name == name, District.id != (district.id if district else -1))):
        f.add("name", _l("A district with this name exists already."))
    return name, station_name or None, station_address or None


def create_district(actor, *, name, station_name=None, station_address=None) -> District:
    """A new district (片区) with its 治理服务站. Street administrators. Raises Forbidden, Invalid
    (name: required, ≤ 64, unique; station_name, station_address). Sends district-saved."""
    if not permissions.can_manage_districts(actor):
        raise Forbidden()
    f = Fields()
    name, station, address = _district_fields(f, name=name, station_name=station_name,
                                              station_address=station_address, district=None)
    f.check()
    district = District(name=name, station_name=station, station_address=address)
    db.session.add(district)
    _flush_unique("name", _l("A district with this name exists already."))
    signals.district_saved.send(district, actor=actor, created=True, before=None)
    db.session.commit()
    return district


def update_district(actor, district: District, *, name, station_name=None, station_address=None) -> District:
    """Rename a district or change its station. Street administrators. Raises Forbidden, Invalid."""
    if not permissions.can_manage_districts(actor):
        raise Forbidden()
    f = Fields()
    name, station, address = _district_fields(f, name=name, station_name=station_name,
                                              station_address=station_address, district=district)
    f.check()
    before = district.name
    district.name, district.station_name, district.station_address = name, station, address
    _flush_unique("name", _l("A district with this name exists already."))
    signals.district_saved.send(district, actor=actor, created=False, before=before)
    db.session.commit()
    return district


def _flush_unique(field: str, message) -> None:
    """Flush; a UNIQUE clash of two at once becomes Invalid on `field` (nothing stored)."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(fields={field: message}) from None


def set_community_district(actor, community: Community, *, district_id) -> Community:
    """Put a community into a district, move it, or (district_id None) take it out. Street
    administrators. Raises Forbidden, Invalid (district_id). Sends community-district-set."""
    if not permissions.can_manage_districts(actor):
        raise Forbidden()
    target = None
    if district_id not in (None, ""):
        target = find(District, district_id)
        if target is None:
            raise Invalid(fields={"district_id": _l("No such district.")})
    before = community.district_id
    new = target.id if target else None
    if before != new:
        community.district_id = new
        db.session.flush()
        signals.community_district_set.send(community, actor=actor, before=before)
        db.session.commit()
    return community


def add_district_staff(actor, district: District, *, user_id) -> tuple[DistrictStaff, bool]:
    """Appoint someone to the district's 治理服务站 (idempotent: (seat, created)). Street
    administrators. Raises Forbidden, Invalid (user_id). Sends district-staff-changed."""
    if not permissions.can_manage_districts(actor):
        raise Forbidden()
    user = find(User, user_id)
    if user is None:
        raise Invalid(fields={"user_id": _l("No such user.")})
    row = db.session.scalar(sa.select(DistrictStaff).where(DistrictStaff.district_id == district.id,
                                                           DistrictStaff.user_id == user.id))
    if row is not None:
        return row, False
    row = DistrictStaff(district_id=district.id, user_id=user.id, created_at=clock.now())
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # appointed by someone else at the same moment
        db.session.rollback()
        return db.session.scalar(sa.select(DistrictStaff).where(DistrictStaff.district_id == district.id,
                                                                DistrictStaff.user_id == user.id)), False
    signals.district_staff_changed.send(district, actor=actor, user_id=user.id, added=True)
    db.session.commit()
    return row, True


def remove_district_staff(actor, district: District, *, user_id) -> None:
    """Take someone off the district's staff. Street administrators. Raises Forbidden, NotFound
    (not on its staff). Sends district-staff-changed."""
    if not permissions.can_manage_districts(actor):
        raise Forbidden()
    ident = parse_id(user_id)
    row = db.session.scalar(sa.select(DistrictStaff).where(DistrictStaff.district_id == district.id,
                                                           DistrictStaff.user_id == ident)) if ident else None
    if row is None:
        raise NotFound()
    db.session.delete(row)
    db.session.flush()
    signals.district_staff_changed.send(district, actor=actor, user_id=ident, added=False)
    db.session.commit()


# --- the district courtyard: threads and posts -------------------------------------------------

def _threads_loaded(q: sa.Select) -> sa.Select:
    return q.options(joinedload(DistrictThread.author), joinedload(DistrictThread.community),
                     joinedload(DistrictThread.source_topic))


def threads_of(actor, district: District, *, status=None) -> sa.Select:
    """The district's threads, open ones first, then by latest activity. Raises NotFound (not a
    member), Invalid (status)."""
    if not permissions.is_member(actor, district):
        raise NotFound()
    q = sa.select(DistrictThread).where(DistrictThread.district_id == district.id)
    if status not in (None, ""):
        try:
            q = q.where(DistrictThread.status == ThreadStatus(status))
        except ValueError:
            raise Invalid(fields={"status": _l("Not one of the allowed values.")}) from None
    open_first = sa.case((DistrictThread.status == ThreadStatus.open, 0), else_=1)
    return _threads_loaded(q.order_by(open_first, DistrictThread.last_activity_at.desc(), DistrictThread.id.desc()))


def get_thread(actor, thread_id) -> DistrictThread:
    """A thread of a district courtyard the actor is a member of; NotFound otherwise."""
    ident = parse_id(thread_id)
    thread = db.session.scalar(_threads_loaded(sa.select(DistrictThread).where(DistrictThread.id == ident))) \
        if ident is not None else None
    if thread is None or not permissions.can_view_thread(actor, thread):
        raise NotFound()
    return thread


def _parse_category(f: Fields, value) -> Category:
    if value in (None, ""):
        return Category.other
    try:
        return Category(value)
    except (ValueError, TypeError):
        f.add("category", _l("Not one of the allowed values."))
        return Category.other


def _publish_thread(event: str, thread: DistrictThread) -> None:
    db.session.flush()
    db.session.refresh(thread)
    events.publish(event, rooms.district(thread.district_id), payloads.thread_json(thread))


def create_thread(actor, district: District, *, title, body, category=None) -> DistrictThread:
    """Start a thread in the district courtyard. Members. Raises NotFound, Invalid (title ≤ 100,
    body ≤ 4000, category). Publishes district.thread_created."""
    if not permissions.can_start_thread(actor, district):
        raise NotFound()
    f = Fields()
    title = f.text("title", clean_text(title), max_len=TITLE_MAX)
    body = f.text("body", clean_text(body), max_len=BODY_MAX)
    check_blocked_words(f, "title", title)
    check_blocked_words(f, "body", body)
    category = _parse_category(f, category)
    f.check()
    now = clock.now()
    thread = DistrictThread(district_id=district.id, title=title, body=body, category=category,
                            status=ThreadStatus.open, author_id=actor.id, created_at=now, last_activity_at=now)
    db.session.add(thread)
    _publish_thread("district.thread_created", thread)
    db.session.commit()
    return thread


def posts_of(actor, thread: DistrictThread, *, after=None) -> sa.Select:
    """The thread's posts in ascending id order (after a post id). Raises NotFound, Invalid (after)."""
    if not permissions.can_view_thread(actor, thread):
        raise NotFound()
    f = Fields()
    after_id = parse_id_filter(f, "after", after, minimum=0) if after not in (None, "") else None
    f.check()
    q = sa.select(DistrictPost).where(DistrictPost.thread_id == thread.id)
    if after_id is not None:
        q = q.where(DistrictPost.id > after_id)
    return q.options(joinedload(DistrictPost.author)).order_by(DistrictPost.id)


def post(actor, thread: DistrictThread, *, body) -> DistrictPost:
    """Post in a district thread (the form, the API and the socket command call this). Members,
    while the thread is open. Raises NotFound, Invalid (body 1–2000), Conflict (resolved).
    Publishes district.posted and district.thread_updated (its counts)."""
    if not permissions.can_post(actor, thread):
        raise NotFound()
    f = Fields()
    body = f.text("body", clean_text(body), max_len=POST_MAX)
    check_blocked_words(f, "body", body)
    f.check()
    if thread.status != ThreadStatus.open:
        raise Conflict(_l("This thread is resolved; reopen it to post."))
    now = clock.now()
    changed = db.session.execute(
        sa.update(DistrictThread).where(DistrictThread.id == thread.id, DistrictThread.status == ThreadStatus.open)
        .values(post_count=DistrictThread.post_count + 1, last_activity_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict(_l("This thread is resolved; reopen it to post."))
    item = DistrictPost(thread_id=thread.id, author_id=actor.id, body=body, created_at=now)
    db.session.add(item)
    db.session.flush()
    db.session.refresh(item, ["author"])
    events.publish("district.posted", rooms.district(thread.district_id), payloads.post_json(item, thread))
    _publish_thread("district.thread_updated", thread)
    db.session.commit()
    return item


def set_thread_status(actor, thread: DistrictThread, status) -> DistrictThread:
    """Resolve a thread, or reopen it. Its author, the district's staff, street administrators.
    Raises NotFound, Forbidden, Invalid (status), Conflict (already so). Publishes
    district.thread_updated."""
    if not permissions.can_view_thread(actor, thread):
        raise NotFound()
    if not permissions.can_manage_thread(actor, thread):
        raise Forbidden()
    try:
        status = ThreadStatus(status)
    except (ValueError, TypeError):
        raise Invalid(fields={"status": _l("Not one of the allowed values.")}) from None
    now = clock.now()
    changed = db.session.execute(
        sa.update(DistrictThread).where(DistrictThread.id == thread.id, DistrictThread.status != status)
        .values(status=status, resolved_at=now if status == ThreadStatus.resolved else None)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict(_l("The thread is already resolved.") if status == ThreadStatus.resolved
                       else _l("The thread is already open."))
    _publish_thread("district.thread_updated", thread)
    db.session.commit()
    return thread


# --- raising a topic to its district (吹哨) -----------------------------------------------------

def thread_of_topic(topic: Topic) -> DistrictThread | None:
    """The district thread a topic was raised to, if any."""
    return db.session.scalar(sa.select(DistrictThread).where(DistrictThread.source_topic_id == topic.id)
                             .options(joinedload(DistrictThread.district)))


def raise_topic(actor, topic: Topic, *, reason) -> DistrictThread:
    """吹哨 to the district: a thread of the topic's district carries the topic, with the reason.

    The secretary of the topic's courtyard, its community's staff. Raises NotFound (the actor
    cannot read the topic), Forbidden, Invalid (reason 1–1000; the community belongs to no
    district), Conflict (raised already; closed, withdrawn or merged). Sends
    topic-raised-to-district; publishes district.thread_created.
    """
    if not topic_permissions.can_view_topic(actor, topic):
        raise NotFound()
    if not permissions.can_raise_topic(actor, topic):
        raise Forbidden()
    f = Fields()
    reason = f.text("reason", clean_text(reason), max_len=REASON_MAX)
    check_blocked_words(f, "reason", reason)
    community = topic.courtyard.building.community
    if community.district_id is None:
        f.add("district", _l("%(community)s belongs to no district yet; ask the street to assign it.",
                             community=community.name))
    f.check()
    if topic.status in UNRAISABLE:
        raise Conflict(_l("A closed, withdrawn or merged topic cannot be raised."))
    if thread_of_topic(topic) is not None:
        raise Conflict(_l("This topic has been raised to its district already."))
    now = clock.now()
    thread = DistrictThread(district_id=community.district_id, title=topic.title[:TITLE_MAX], body=reason,
                            category=topic.category, status=ThreadStatus.open, author_id=actor.id,
                            community_id=community.id, source_topic_id=topic.id, created_at=now,
                            last_activity_at=now)
    db.session.add(thread)
    try:
        db.session.flush()
    except IntegrityError:  # raised by someone else at the same moment (UNIQUE source_topic_id)
        db.session.rollback()
        raise Conflict(_l("This topic has been raised to its district already.")) from None
    signals.topic_raised_to_district.send(topic, actor=actor, thread=thread, reason=reason)
    _publish_thread("district.thread_created", thread)
    db.session.commit()
    return thread


# --- experience cases (经验案例) --------------------------------------------------------------------

def _cases_loaded(q: sa.Select) -> sa.Select:
    return q.options(joinedload(ExperienceCase.district), joinedload(ExperienceCase.community),
                     joinedload(ExperienceCase.marked_by))


def cases(actor, *, district_id=None, category=None) -> sa.Select:
    """Every district's experience cases, newest first; filter by district and category.
    Anyone signed in. Raises Forbidden, Invalid (district_id, category)."""
    if not permissions.can_read_cases(actor):
        raise Forbidden()
    f = Fields()
    ident = parse_id_filter(f, "district_id", district_id)
    cat = None
    if category not in (None, ""):
        try:
            cat = Category(category)
        except ValueError:
            f.add("category", _l("Not one of the allowed values."))
    f.check()
    q = sa.select(ExperienceCase)
    if ident is not None:
        q = q.where(ExperienceCase.district_id == ident)
    if cat is not None:
        q = q.where(ExperienceCase.category == cat)
    return _cases_loaded(q.order_by(ExperienceCase.created_at.desc(), ExperienceCase.id.desc()))


def get_case(actor, case_id) -> ExperienceCase:
    if not permissions.can_read_cases(actor):
        raise Forbidden()
    ident = parse_id(case_id)
    case = db.session.scalar(_cases_loaded(sa.select(ExperienceCase).where(ExperienceCase.id == ident))) \
        if ident is not None else None
    if case is None:
        raise NotFound()
    return case


def case_topic_link(actor, case: ExperienceCase) -> Topic | None:
    """The case's topic, when the reader may read it (the page links to it only then)."""
    topic = case.topic
    if topic is not None and topic_permissions.can_view_topic(actor, topic):
        return topic
    return None


def case_thread_link(actor, case: ExperienceCase) -> DistrictThread | None:
    thread = case.thread
    if thread is not None and permissions.can_view_thread(actor, thread):
        return thread
    return None


def mark_case(actor, *, summary, topic_id=None, thread_id=None) -> ExperienceCase:
    """Mark a solved topic of the district's communities (decided or closed), or a resolved
    district thread, as an experience case with a summary of how it was solved.

    The district's staff, street administrators. Raises Forbidden, Invalid (summary 1–1000;
    topic_id or thread_id: exactly one, naming a solved one of the district), Conflict (a case
    already). Sends experience-case-changed.
    """
    if not (permissions.staff_district_ids(actor) or permissions.can_manage_districts(actor)):
        raise Forbidden()
    f = Fields()
    summary = f.text("summary", clean_text(summary), max_len=SUMMARY_MAX)
    topic = thread = None
    district_id = community_id = None
    has_topic, has_thread = topic_id not in (None, ""), thread_id not in (None, "")
    if has_topic == has_thread:
        f.add("topic_id", _l("Name either a topic or a district thread."))
    elif has_topic:
        topic = find(Topic, topic_id)
        if topic is None or not (topic_permissions.can_view_topic(actor, topic) or _staff_of_topic(actor, topic)):
            f.add("topic_id", _l("No such topic."))
            topic = None
        else:
            community = topic.courtyard.building.community
            district_id, community_id = community.district_id, community.id
            if district_id is None:
                f.add("topic_id", _l("This topic's community belongs to no district."))
            elif topic.status not in SOLVED_TOPICS:
                f.add("topic_id", _l("Only a decided or completed topic can be an experience case."))
    else:
        thread = find(DistrictThread, thread_id)
        if thread is None or not permissions.can_view_thread(actor, thread):
            f.add("thread_id", _l("No such district thread."))
            thread = None
        else:
            district_id, community_id = thread.district_id, thread.community_id
            if thread.status != ThreadStatus.resolved:
                f.add("thread_id", _l("Only a resolved thread can be an experience case."))
    f.check()
    if not permissions.can_mark_case(actor, district_id):
        raise Forbidden()
    source = topic or thread
    exists = db.session.scalar(sa.select(ExperienceCase.id).where(
        ExperienceCase.topic_id == topic.id if topic else ExperienceCase.thread_id == thread.id))
    if exists:
        raise Conflict(_l("This is an experience case already."))
    case = ExperienceCase(district_id=district_id, topic_id=topic.id if topic else None,
                          thread_id=thread.id if thread else None, community_id=community_id,
                          title=source.title[:TITLE_MAX], category=source.category, summary=summary,
                          marked_by_id=actor.id, created_at=clock.now())
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("This is an experience case already.")) from None
    signals.experience_case_changed.send(case, actor=actor, added=True)
    db.session.commit()
    return case


def _staff_of_topic(actor, topic: Topic) -> bool:
    """District staff may mark a topic of their communities without being able to read its courtyard."""
    district_id = topic.courtyard.building.community.district_id
    return district_id is not None and permissions.is_district_staff(actor, district_id)


def remove_case(actor, case: ExperienceCase) -> None:
    """Remove an experience case (the topic or thread stays). The district's staff, street
    administrators. Raises Forbidden. Sends experience-case-changed."""
    if not permissions.can_mark_case(actor, case.district_id):
        raise Forbidden()
    signals.experience_case_changed.send(case, actor=actor, added=False)
    db.session.delete(case)
    db.session.commit()


def solved_topics(actor, district: District, *, limit: int = 50) -> list[Topic]:
    """The district's decided or completed topics not yet cases, newest first (the marking form)."""
    if not permissions.can_mark_case(actor, district):
        return []
    q = (sa.select(Topic).join(Courtyard, Courtyard.id == Topic.courtyard_id)
         .join(Building, Building.id == Courtyard.building_id).join(Community, Community.id == Building.community_id)
         .where(Community.district_id == district.id, Topic.status.in_(SOLVED_TOPICS),
                Topic.id.not_in(sa.select(ExperienceCase.topic_id).where(ExperienceCase.topic_id.is_not(None))))
         .options(joinedload(Topic.courtyard).joinedload(Courtyard.building).joinedload(Building.community))
         .order_by(Topic.updated_at.desc(), Topic.id.desc()).limit(limit))
    return list(db.session.scalars(q))
