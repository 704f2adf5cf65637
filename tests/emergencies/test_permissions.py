"""Who may do and see what: one matrix per act, through the services (and the predicates the pages use)."""
from __future__ import annotations

import pytest

from courtyard.emergencies import permissions, services
from courtyard.errors import Forbidden, NotFound
from courtyard.extensions import db

READERS = {"staff", "admin", "lead", "secretary", "resident", "west_resident", "west_lead"}
NOT_READERS = {"third_resident", "outsider", "other_staff", "stranger"}
KEEPERS_OF_EAST = {"staff", "admin", "lead", "secretary"}
EVERYONE = READERS | NOT_READERS


def test_posting_is_for_the_communitys_staff_and_street_admins(w):
    for name in EVERYONE:
        person = getattr(w, name)
        allowed = name in {"staff", "admin"}
        assert permissions.can_post_notice(person, w.community) is allowed, name
        if not allowed:
            with pytest.raises(Forbidden):
                w.notice(actor=person)
    assert w.notice(actor=w.admin).id


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_reading_a_notice(w, name):
    notice = w.notice()
    person = getattr(w, name)
    visible = [n.id for n in db.session.scalars(services.notices_for(person))]
    if name in READERS:
        assert services.get_notice(person, notice.id) is notice and visible == [notice.id]
    else:
        with pytest.raises(NotFound):
            services.get_notice(person, notice.id)
        assert visible == []
    assert permissions.can_view_notice(person, notice) is (name in READERS)


@pytest.mark.parametrize("name", sorted(EVERYONE - {"staff", "admin"}))
def test_only_staff_update_and_resolve(w, name):
    notice = w.notice()
    person = getattr(w, name)
    expected = Forbidden if name in READERS else NotFound
    with pytest.raises(expected):
        services.add_update(person, notice, text="抢修中")
    with pytest.raises(expected):
        services.resolve_notice(person, notice)
    services.add_update(w.admin, notice, text="街道已协调应急队")
    assert services.resolve_notice(w.staff, notice).status.value == "resolved"


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_keeping_the_flags_of_a_courtyard(w, name):
    person = getattr(w, name)
    unit = w.unit()
    if name in KEEPERS_OF_EAST:
        assert services.set_household_flags(person, unit, kinds=["living_alone"])
        assert len(services.households(person, w.east)) == len(w.east.building.units)
    else:
        # who may see the courtyard is told no; who may not, that there is nothing
        sees = name in {"resident"}
        with pytest.raises(Forbidden if sees else NotFound):
            services.set_household_flags(person, unit, kinds=["living_alone"])
        with pytest.raises(Forbidden if sees else NotFound):
            services.households(person, w.east)
    assert permissions.can_keep_flags(person, w.east) is (name in KEEPERS_OF_EAST)


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_the_checklist(w, name):
    services.set_household_flags(w.staff, w.unit(w.east), kinds=["limited_mobility"])
    services.set_household_flags(w.staff, w.unit(w.west), kinds=["empty_nest"])
    notice = w.notice()
    person = getattr(w, name)
    sees = {"staff": 2, "admin": 2, "lead": 1, "secretary": 1, "west_lead": 1}
    if name in sees:
        assert len(services.checklist(person, notice)) == sees[name]
    else:
        with pytest.raises(Forbidden if name in READERS else NotFound):
            services.checklist(person, notice)
        with pytest.raises(Forbidden if name in READERS else NotFound):
            services.record_visit(person, notice, unit_id=w.unit(w.east).id, outcome="ok")
