"""Cut the open sockets of people who lose access, once that loss is committed.

Commands re-check permissions every time, but a socket also receives what is broadcast
to the rooms it joined. So when a membership stops being active, a staff or organization
seat is removed, an organization's invitation into a topic is withdrawn, an account is
deactivated, stops being a street administrator or logs out everywhere (session epoch),
every process of the deployment disconnects that person's sockets after the commit (this
one at once, the others on the bus's note, bus.py). Their clients reconnect and are let
back only into the rooms they may still see.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..aftercommit import on_commit
from ..deliberation.models import TopicInvitation
from ..places.models import CommunityStaff, Membership, MembershipStatus, OrganizationMember

def _changed_to(obj, attr: str):
    added = sa.inspect(obj).attrs[attr].history.added
    return added[0] if added else None


def _losers(session: Session) -> tuple[set[int], set[int]]:
    """(user ids, organization ids whose staff) lose access in this flush."""
    users: set[int] = set()
    orgs: set[int] = set()
    for obj in session.dirty:
        if isinstance(obj, Membership):
            status = _changed_to(obj, "status")
            if status is not None and status != MembershipStatus.active:
                users.add(obj.user_id)
        elif isinstance(obj, User):
            if _changed_to(obj, "session_epoch") is not None or _changed_to(obj, "is_active_account") is False \
                    or _changed_to(obj, "is_street_admin") is False:
                users.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, (Membership, OrganizationMember, CommunityStaff)):
            users.add(obj.user_id)
        elif isinstance(obj, User):
            users.add(obj.id)
        elif isinstance(obj, TopicInvitation) and obj.organization_id is not None:
            orgs.add(obj.organization_id)
    return users, orgs


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    users, orgs = _losers(session)
    if orgs:
        users |= set(session.connection().scalars(sa.select(OrganizationMember.user_id).where(
            OrganizationMember.organization_id.in_(orgs))))
    if users:
        from . import cut_everywhere
        for user_id in sorted(users):
            on_commit(cut_everywhere, user_id, key=("revoke", user_id), session=session)
