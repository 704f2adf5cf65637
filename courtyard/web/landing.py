"""Where a person works: the page that `/`, the login form and an empty 我的院落 open for them.

- staff of a property company or a city department → their work queue;
- community staff and street administrators → the dashboard;
- a resident of exactly one courtyard → that courtyard; of several (or none yet) → the list.
The first that applies wins, so a community worker who also lives in a building still lands on
the dashboard. An explicit `next` parameter is the caller's business and always wins over this.

The facts are places' (organization members, community staff, memberships), so that the login
form and the courtyard list, which sit below tasks and insight, can ask too; they are the facts
tasks.permissions.can_use_work_queue and insight.permissions.can_use_dashboard read
(tests/web/test_landing.py checks the two agree for every role).
"""
from __future__ import annotations

from flask import url_for

from ..places import permissions
from ..places import services as places

QUEUE, DASHBOARD, COURTYARD, COURTYARDS = "queue", "dashboard", "courtyard", "courtyards"


def workplace(user) -> tuple[str, int | None]:
    """(what, courtyard id): the kind of page `user` works on and, for COURTYARD, which one."""
    if permissions.organization_ids(user):
        return QUEUE, None
    if permissions.is_any_staff(user):
        return DASHBOARD, None
    # Staff of no kind, so the courtyards they see are the ones they are an active member of.
    mine = places.courtyards_for(user)
    if len(mine) == 1:
        return COURTYARD, mine[0].id
    return COURTYARDS, None


def works_elsewhere(user) -> bool:
    """Staff whose work is not a courtyard list: an empty list sends them to their work instead."""
    return workplace(user)[0] in (QUEUE, DASHBOARD)


def landing_url(user) -> str:
    """The URL of `user`'s workplace."""
    what, courtyard_id = workplace(user)
    if what == QUEUE:
        return url_for("tasks.queue")
    if what == DASHBOARD:
        return url_for("insight.dashboard")
    if what == COURTYARD:
        return url_for("places.courtyard", courtyard_id=courtyard_id)
    return url_for("places.my_courtyards")
