"""Who finds what: the search asks deliberation's rules, never the index.

An entry is found by whoever may read its topic (`deliberation.permissions.visible_topics`,
the same clause as the topic lists); a hidden message only by those who moderate its
courtyard (`places.permissions.can_moderate_courtyard`, written here as SQL over the
entry's courtyard). tests/search/test_permissions.py checks both agree with the object rules.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..deliberation import permissions as deliberation
from ..deliberation.models import Message, Topic
from ..extensions import db
from ..places import permissions as places
from ..places.models import Building, Courtyard
from .models import SearchEntry


def readable_entries(actor, courtyard_id=SearchEntry.courtyard_id):
    """SQL condition on SearchEntry: its topic is one `actor` may read — `visible_topics` (in a
    courtyard they see, or invited into), asked of the entry's own courtyard (`courtyard_id`,
    its column or an expression of it; a topic never changes courtyard), so that PostgreSQL
    can start from that index: the courtyards come as a list of ids (one, or a community's,
    for most people), none for a street administrator, who sees them all (places'
    `_visible_clause` is true)."""
    if not places._authenticated(actor):
        return sa.false()
    if places.is_street_admin(actor):
        return sa.true()
    courtyard_ids = list(db.session.scalars(places.visible_courtyards(actor).with_only_columns(Courtyard.id)))
    if not places.organization_ids(actor):
        return courtyard_id.in_(courtyard_ids)
    invited = deliberation.invited_topics(actor).with_only_columns(Topic.id)
    return sa.or_(courtyard_id.in_(courtyard_ids), SearchEntry.topic_id.in_(invited))


def moderated_courtyards(actor, column):
    """SQL condition on a courtyard id `column`: the actor moderates that courtyard (its secretary
    or building lead, staff over its community, a street administrator)."""
    if places.is_street_admin(actor):
        return sa.true()
    own = [m.courtyard_id for m in places.active_memberships(actor) if m.role in places.MODERATOR_ROLES]
    communities = places.staff_community_ids(actor)
    clauses = []
    if own:
        clauses.append(column.in_(own))
    if communities:
        clauses.append(column.in_(sa.select(Courtyard.id).join(Building, Building.id == Courtyard.building_id)
                                  .where(Building.community_id.in_(communities))))
    return sa.or_(*clauses) if clauses else sa.false()


def shown_entries(actor):
    """SQL condition on SearchEntry: not a hidden message, unless the actor moderates it."""
    hidden = sa.exists().where(Message.id == SearchEntry.message_id, Message.hidden.is_(True))
    return sa.or_(SearchEntry.message_id.is_(None), ~hidden, moderated_courtyards(actor, SearchEntry.courtyard_id))


def can_search(actor) -> bool:
    return places._authenticated(actor)
