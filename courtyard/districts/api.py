"""JSON routes: districts (片区) and their administration, the district courtyard's threads and
posts, raising a topic to its district (吹哨), experience cases (经验案例)."""
from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query, require
from ..api.schemas import items_of
from ..deliberation import services as topics
from ..errors import Invalid, NotFound
from ..places.models import Community
from ..places.services import find
from . import payloads, permissions, services
from .schemas import (CASE_PARAMS, POST_PARAMS, THREAD_PARAMS, DistrictOut, DistrictPostOut, DistrictThreadOut,
                      ExperienceCaseOut)


class DistrictBody(Body):
    name: str | None = None
    station_name: str | None = None
    station_address: str | None = None


class DistrictCommunityBody(Body):
    community_id: int | None = None


class DistrictStaffBody(Body):
    user_id: int | None = None


class DistrictThreadQuery(Body):
    status: str | None = None


class DistrictThreadBody(Body):
    title: str | None = None
    body: str | None = None
    category: str | None = None


class DistrictThreadStatusBody(Body):
    status: str | None = None


class DistrictPostQuery(Body):
    after: str | None = None


class DistrictPostBody(Body):
    body: str | None = None


class RaiseToDistrictBody(Body):
    reason: str | None = None


class ExperienceCaseQuery(Body):
    district_id: str | None = None
    category: str | None = None


class ExperienceCaseBody(Body):
    topic_id: int | None = None
    thread_id: int | None = None
    summary: str | None = None


def _district(district, status: int = 200):
    return jsonify(payloads.district_json(district, staff=services.staff_of(district))), status


def _thread(thread, status: int = 200):
    return jsonify(payloads.thread_json(thread)), status


def _case_json(case):
    return payloads.case_json(case, topic_visible=services.case_topic_link(current_user, case) is not None)


# --- districts and their administration ------------------------------------------------------

@bp.get("/districts")
@doc(response=items_of(DistrictOut), tag="districts")
@login_required
def list_districts():
    """The districts whose courtyard the caller is a member of (street administrators: every one)."""
    return jsonify({"items": [payloads.district_json(d) for d in services.districts_for(current_user)]})


@bp.post("/districts")
@doc(body=DistrictBody, response=DistrictOut, status=201, errors=(403,), tag="districts")
@login_required
def create_district():
    """Create a district (片区) with its 治理服务站 (street administrators)."""
    require(permissions.can_manage_districts(current_user))
    body = parse_body(DistrictBody)
    return _district(services.create_district(current_user, name=body.name, station_name=body.station_name,
                                              station_address=body.station_address), 201)


@bp.get("/districts/<int:district_id>")
@doc(response=DistrictOut, tag="districts")
@login_required
def get_district(district_id):
    """A district with its communities and its station's staff (its members)."""
    return _district(services.get_district(current_user, district_id))


@bp.patch("/districts/<int:district_id>")
@doc(body=DistrictBody, response=DistrictOut, errors=(403,), tag="districts")
@login_required
def update_district(district_id):
    """Rename a district or change its station (street administrators)."""
    district = services.get_district(current_user, district_id)
    require(permissions.can_manage_districts(current_user))
    body = parse_body(DistrictBody)
    return _district(services.update_district(current_user, district, name=body.name,
                                              station_name=body.station_name,
                                              station_address=body.station_address))


def _community(community_id) -> Community:
    community = find(Community, community_id)
    if community is None:
        raise NotFound()
    return community


@bp.post("/districts/<int:district_id>/communities")
@doc(body=DistrictCommunityBody, response=DistrictOut, errors=(403,), tag="districts")
@login_required
def add_community(district_id):
    """Put a community into the district (moving it from another) (street administrators)."""
    district = services.get_district(current_user, district_id)
    require(permissions.can_manage_districts(current_user))
    body = parse_body(DistrictCommunityBody)
    if body.community_id is None:
        raise Invalid(fields={"community_id": _l("This field is required.")})
    services.set_community_district(current_user, _community(body.community_id), district_id=district.id)
    return _district(district)


@bp.delete("/districts/<int:district_id>/communities/<int:community_id>")
@doc(status=204, errors=(403,), tag="districts")
@login_required
def remove_community(district_id, community_id):
    """Take a community out of the district (street administrators)."""
    district = services.get_district(current_user, district_id)
    require(permissions.can_manage_districts(current_user))
    community = _community(community_id)
    if community.district_id != district.id:
        raise NotFound()
    services.set_community_district(current_user, community, district_id=None)
    return "", 204


@bp.post("/districts/<int:district_id>/staff")
@doc(body=DistrictStaffBody, response=DistrictOut, status=201, also=(200,), errors=(403,), tag="districts")
@login_required
def add_staff(district_id):
    """Appoint someone to the district's 治理服务站 (street administrators; 200 when they were already)."""
    district = services.get_district(current_user, district_id)
    require(permissions.can_manage_districts(current_user))
    body = parse_body(DistrictStaffBody)
    _row, created = services.add_district_staff(current_user, district, user_id=body.user_id)
    return _district(district, 201 if created else 200)


@bp.delete("/districts/<int:district_id>/staff/<int:user_id>")
@doc(status=204, errors=(403,), tag="districts")
@login_required
def remove_staff(district_id, user_id):
    """Take someone off the district's staff (street administrators)."""
    district = services.get_district(current_user, district_id)
    require(permissions.can_manage_districts(current_user))
    services.remove_district_staff(current_user, district, user_id=user_id)
    return "", 204


# --- threads and posts ---------------------------------------------------------------------------

@bp.get("/districts/<int:district_id>/threads")
@doc(query=DistrictThreadQuery, params=THREAD_PARAMS, response=DistrictThreadOut, paginated=True, tag="districts")
@login_required
def list_threads(district_id):
    """The district courtyard's threads, open ones first, then by latest activity (members)."""
    district = services.get_district(current_user, district_id)
    q = parse_query(DistrictThreadQuery)
    return jsonify(paginate(services.threads_of(current_user, district, status=q.status), payloads.thread_json))


@bp.post("/districts/<int:district_id>/threads")
@doc(body=DistrictThreadBody, response=DistrictThreadOut, status=201, tag="districts")
@login_required
def create_thread(district_id):
    """Start a thread in the district courtyard (members)."""
    district = services.get_district(current_user, district_id)
    body = parse_body(DistrictThreadBody)
    return _thread(services.create_thread(current_user, district, title=body.title, body=body.body,
                                          category=body.category), 201)


@bp.get("/districts/threads/<int:thread_id>")
@doc(response=DistrictThreadOut, tag="districts")
@login_required
def get_thread(thread_id):
    """A district thread (members)."""
    return _thread(services.get_thread(current_user, thread_id))


@bp.patch("/districts/threads/<int:thread_id>")
@doc(body=DistrictThreadStatusBody, response=DistrictThreadOut, errors=(403, 409), tag="districts")
@login_required
def set_thread_status(thread_id):
    """Resolve a thread, or reopen it: `{"status": "resolved"|"open"}` (its author, district staff)."""
    thread = services.get_thread(current_user, thread_id)
    body = parse_body(DistrictThreadStatusBody)
    return _thread(services.set_thread_status(current_user, thread, body.status))


@bp.get("/districts/threads/<int:thread_id>/posts")
@doc(query=DistrictPostQuery, params=POST_PARAMS, response=DistrictPostOut, paginated=True, tag="districts")
@login_required
def list_posts(thread_id):
    """A thread's posts in ascending id order, those after `after` (members)."""
    thread = services.get_thread(current_user, thread_id)
    q = parse_query(DistrictPostQuery)
    return jsonify(paginate(services.posts_of(current_user, thread, after=q.after),
                            lambda p: payloads.post_json(p, thread)))


@bp.post("/districts/threads/<int:thread_id>/posts")
@doc(body=DistrictPostBody, response=DistrictPostOut, status=201, errors=(409,), tag="districts")
@login_required
def create_post(thread_id):
    """Post in a district thread (members, while it is open)."""
    thread = services.get_thread(current_user, thread_id)
    body = parse_body(DistrictPostBody)
    return jsonify(payloads.post_json(services.post(current_user, thread, body=body.body), thread)), 201


@bp.post("/topics/<int:topic_id>/raise-to-district")
@doc(body=RaiseToDistrictBody, response=DistrictThreadOut, status=201, errors=(403, 409), tag="districts")
@login_required
def raise_topic(topic_id):
    """吹哨 to the district: the topic becomes a thread of its community's 片区 (secretary, community staff)."""
    topic = topics.get_topic(current_user, topic_id)
    require(permissions.can_raise_topic(current_user, topic))
    body = parse_body(RaiseToDistrictBody)
    return _thread(services.raise_topic(current_user, topic, reason=body.reason), 201)


# --- experience cases ----------------------------------------------------------------------------

@bp.get("/districts/cases")
@doc(query=ExperienceCaseQuery, params=CASE_PARAMS, response=ExperienceCaseOut, paginated=True, tag="districts")
@login_required
def list_cases():
    """Every district's experience cases (经验案例), newest first; filter by district and category."""
    q = parse_query(ExperienceCaseQuery)
    return jsonify(paginate(services.cases(current_user, district_id=q.district_id, category=q.category),
                            _case_json))


@bp.post("/districts/cases")
@doc(body=ExperienceCaseBody, response=ExperienceCaseOut, status=201, errors=(403, 409), tag="districts")
@login_required
def create_case():
    """Mark a solved topic or a resolved district thread as an experience case (district staff)."""
    body = parse_body(ExperienceCaseBody)
    case = services.mark_case(current_user, summary=body.summary, topic_id=body.topic_id, thread_id=body.thread_id)
    return jsonify(_case_json(case)), 201


@bp.get("/districts/cases/<int:case_id>")
@doc(response=ExperienceCaseOut, tag="districts")
@login_required
def get_case(case_id):
    """An experience case."""
    return jsonify(_case_json(services.get_case(current_user, case_id)))


@bp.delete("/districts/cases/<int:case_id>")
@doc(status=204, errors=(403,), tag="districts")
@login_required
def delete_case(case_id):
    """Remove an experience case (district staff); its topic or thread stays."""
    services.remove_case(current_user, services.get_case(current_user, case_id))
    return "", 204
