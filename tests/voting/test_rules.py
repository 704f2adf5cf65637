"""The ballot rules, checked against a brute-force reference and by hand at every edge.

The reference works from per-person records the way a returning officer would: replay the
casts in order (a later vote of the same person, or unit, replaces the earlier), then
compare shares as exact fractions. It shares no code with courtyard/voting/rules.py.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courtyard.voting import rules
from courtyard.voting.rules import Ballot, Measure, Member, RollLine

D = Decimal


# --- the reference -------------------------------------------------------------------------

def reference(rule, units: dict[int, Decimal], people: dict[int, tuple[int | None, bool]], casts, quorum):
    """people: person → (unit, owner). casts: [(person, choice)] in time order.
    Returns everything the real tally reports, computed by brute force."""
    civil = rule in ("civil_code", "civil_code_major")
    if rule == "majority":
        may_vote = set(people)
    elif rule == "household":
        may_vote = {p for p, (u, _) in people.items() if u is not None}
    else:
        may_vote = {p for p, (u, owner) in people.items() if u is not None and owner}

    final: dict[object, tuple[int, str]] = {}  # whose vote → (person who cast it last, choice)
    for person, choice in casts:
        if person not in may_vote:
            continue
        whose = person if rule == "majority" else ("unit", people[person][0])
        final[whose] = (person, choice)

    if civil:
        elig_units = set(units)
        elig_people = len(may_vote)
    else:
        elig_units = {people[p][0] for p in may_vote if people[p][0] is not None}
        elig_people = len(may_vote)
    elig_area = sum((units[u] for u in elig_units), D("0.00"))

    voted_units = {people[p][0] for p, _ in final.values() if people[p][0] is not None}
    part_area = sum((units[u] for u in voted_units), D("0.00"))
    yes = [p for p, c in final.values() if c == "yes"]
    no = [p for p, c in final.values() if c == "no"]
    abstain = [p for p, c in final.values() if c == "abstain"]
    counts = {"yes": len(yes), "no": len(no), "abstain": len(abstain)}

    if civil:
        need = max(Fraction(2, 3), quorum)
        quorum_met = (elig_area > 0 and Fraction(part_area) / Fraction(elig_area) >= need
                      and Fraction(len(voted_units), len(elig_units)) >= need)
        yes_area = sum((units[people[p][0]] for p in yes), D("0.00"))
        if quorum_met:
            area_share = Fraction(yes_area) / Fraction(part_area)
            head_share = Fraction(len(yes), len(final))
            if rule == "civil_code":
                passing = area_share > Fraction(1, 2) and head_share > Fraction(1, 2)
            else:
                passing = area_share >= Fraction(3, 4) and head_share >= Fraction(3, 4)
        else:
            passing = False
    else:
        base = elig_people if rule == "majority" else len(elig_units)
        turnout = len(final)
        quorum_met = base > 0 and Fraction(turnout, base) >= quorum
        passing = quorum_met and len(yes) > len(no)
    return {
        "counts": counts,
        "eligible": (elig_people, len(elig_units), elig_area),
        "participation": (len(final), len(voted_units), part_area),
        "quorum_met": quorum_met,
        "passing": passing,
    }


def computed(rule, units, people, casts, quorum):
    """The product's way: roll_for → electorate; one ballot per voter key, the last one."""
    members = [Member(p, u, owner) for p, (u, owner) in people.items()]
    roll = rules.roll_for(rule, members, units)
    on_roll = {line.person: line for line in roll if line.person is not None}
    latest: dict[str, Ballot] = {}
    for person, choice in casts:
        line = on_roll.get(person)
        if line is None:
            continue  # the service refuses people who are not on the roll
        latest[rules.voter_key(rule, person, line.unit)] = Ballot(choice, line.unit, line.area)
    return rules.tally(rule, rules.electorate(roll), latest.values(), quorum)


# --- strategies ----------------------------------------------------------------------------

areas = st.decimals(min_value=D("0.01"), max_value=D("300.00"), places=2)
quorums = st.sampled_from([Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4),
                           Fraction(7, 10), Fraction(1)])


@st.composite
def courtyards(draw):
    n_units = draw(st.integers(0, 7))
    units = {100 + i: draw(areas) for i in range(n_units)}
    n_people = draw(st.integers(0, 10))
    people = {}
    for p in range(1, n_people + 1):
        unit = draw(st.one_of(st.none(), st.sampled_from(sorted(units)))) if units else None
        people[p] = (unit, draw(st.booleans()))
    persons = sorted(people)
    casts = draw(st.lists(st.tuples(st.sampled_from(persons), st.sampled_from(rules.CHOICES)), max_size=25)
                 ) if persons else []
    return units, people, casts


@settings(max_examples=400, deadline=None)
@given(rule=st.sampled_from(rules.RULES), world=courtyards(), quorum=quorums)
def test_tally_agrees_with_the_reference(rule, world, quorum):
    units, people, casts = world
    got = computed(rule, units, people, casts, quorum)
    want = reference(rule, units, people, casts, quorum)
    assert got.counts == want["counts"]
    assert (got.eligible.people, got.eligible.households, got.eligible.area) == want["eligible"]
    assert (got.participation.people, got.participation.households, got.participation.area) == \
        want["participation"]
    assert got.quorum_met == want["quorum_met"]
    assert got.passing == want["passing"]


@settings(max_examples=200, deadline=None)
@given(rule=st.sampled_from(rules.RULES), world=courtyards(), quorum=quorums)
def test_the_meter_says_how_far_participation_is(rule, world, quorum):
    """Adding exactly `short` more (heads, or m²) would meet a participation threshold, and no less would."""
    units, people, casts = world
    t = computed(rule, units, people, casts, quorum)
    for th in t.thresholds:
        if th.kind != "participation":
            continue
        assert th.met == (th.short == 0 and th.of > 0)
        if th.of > 0 and th.short:
            assert Fraction(th.have + th.short) >= th.need * Fraction(th.of)
            step = D("0.01") if th.measure == "area" else 1
            assert Fraction(th.have + th.short - step) < th.need * Fraction(th.of)


@given(rule=st.sampled_from(rules.RULES), world=courtyards(), quorum=quorums)
def test_passing_implies_quorum_and_more_yes_than_no(rule, world, quorum):
    units, people, casts = world
    t = computed(rule, units, people, casts, quorum)
    if t.passing:
        assert t.quorum_met and t.counts["yes"] > t.counts["no"]
        assert t.counts["yes"] > 0


@given(rule=st.sampled_from(rules.RULES), world=courtyards())
def test_a_higher_quorum_never_helps(rule, world):
    units, people, casts = world
    low = computed(rule, units, people, casts, Fraction(0))
    high = computed(rule, units, people, casts, Fraction(3, 4))
    assert low.quorum_met >= high.quorum_met
    assert low.passing >= high.passing


@given(rule=st.sampled_from(rules.RULES), world=courtyards(), quorum=quorums)
def test_turning_a_no_into_a_yes_never_hurts(rule, world, quorum):
    units, people, casts = world
    before = computed(rule, units, people, casts, quorum)
    flipped = [(p, "yes" if c == "no" else c) for p, c in casts]
    after = computed(rule, units, people, flipped, quorum)
    assert after.passing >= before.passing


# --- by hand: the edges --------------------------------------------------------------------

def civil(rule, unit_areas, votes, quorum=0):
    """unit_areas: every unit's area; votes: {unit index: choice}. One owner per unit."""
    units = {i: D(a) for i, a in enumerate(unit_areas)}
    eligible = rules.electorate(RollLine(i, i, units[i]) for i in units)
    return rules.tally(rule, eligible, [Ballot(c, i, units[i]) for i, c in votes.items()], quorum)


def test_civil_code_exactly_two_thirds_takes_part():
    t = civil("civil_code", ["100"] * 3, {0: "yes", 1: "yes"})
    assert t.quorum_met and t.passing


def test_civil_code_just_under_two_thirds_of_the_area():
    # 2 of 3 owners take part, but 199.99 of 300.00 m² is under 2/3 (200)
    t = civil("civil_code", ["100.00", "99.99", "100.01"], {0: "yes", 1: "yes"})
    assert not t.quorum_met and not t.passing
    area = next(th for th in t.thresholds if th.kind == "participation" and th.measure == "area")
    assert area.short == D("0.01")


def test_civil_code_enough_area_but_too_few_owners():
    # one large flat of 4: 70% of the area, 25% of the owners
    t = civil("civil_code", ["210", "30", "30", "30"], {0: "yes"})
    assert not t.quorum_met
    heads = next(th for th in t.thresholds if th.kind == "participation" and th.measure == "households")
    assert heads.short == 2  # ceil(2/3 × 4) = 3 owners; 1 took part


def test_civil_code_exactly_half_is_not_more_than_half():
    t = civil("civil_code", ["100"] * 4, {0: "yes", 1: "yes", 2: "no", 3: "no"})
    assert t.quorum_met and not t.passing


def test_civil_code_half_the_heads_but_more_area_is_not_enough():
    t = civil("civil_code", ["150", "150", "50", "50"], {0: "yes", 1: "yes", 2: "no", 3: "no"})
    assert t.quorum_met and not t.passing  # 75% of the area, but only 2 of 4 owners


def test_civil_code_abstentions_take_part_and_count_against():
    t = civil("civil_code", ["100"] * 3, {0: "yes", 1: "abstain", 2: "abstain"})
    assert t.quorum_met and not t.passing
    t = civil("civil_code", ["100"] * 3, {0: "yes", 1: "yes", 2: "abstain"})
    assert t.passing


def test_civil_code_major_exactly_three_quarters_passes():
    t = civil("civil_code_major", ["100"] * 4, {0: "yes", 1: "yes", 2: "yes", 3: "no"})
    assert t.quorum_met and t.passing


def test_civil_code_major_just_under_three_quarters_of_the_area():
    t = civil("civil_code_major", ["100", "100", "99.99", "100.01"], {0: "yes", 1: "yes", 2: "yes", 3: "no"})
    assert t.quorum_met and not t.passing  # 299.99 of 400 m²


def test_civil_code_a_higher_quorum_raises_the_bar():
    t = civil("civil_code", ["100"] * 4, {0: "yes", 1: "yes", 2: "yes"}, quorum=Fraction(4, 5))
    assert not t.quorum_met  # 3/4 ≥ 2/3 but < 4/5


def test_units_nobody_speaks_for_still_count_in_the_civil_code_denominator():
    members = [Member(1, 10, True), Member(2, 10, True), Member(3, 11, False)]
    units = {10: D("80.00"), 11: D("60.00"), 12: D("50.00")}
    roll = rules.roll_for("civil_code", members, units)
    assert {(line.person, line.unit) for line in roll} == {(1, 10), (2, 10), (None, 11), (None, 12)}
    e = rules.electorate(roll)
    assert (e.people, e.households, e.area) == (2, 3, D("190.00"))


def test_household_roll_leaves_out_members_without_a_unit():
    members = [Member(1, 10, False), Member(2, None, False), Member(3, 10, True)]
    roll = rules.roll_for("household", members, {10: D("80.00"), 11: D("60.00")})
    assert [(line.person, line.unit) for line in roll] == [(1, 10), (3, 10)]
    e = rules.electorate(roll)
    assert (e.people, e.households, e.area) == (2, 1, D("80.00"))


def majority(n_roll, votes, quorum=0):
    eligible = Measure(people=n_roll, households=0, area=D("0.00"))
    return rules.tally("majority", eligible, [Ballot(c) for c in votes], quorum)


def test_majority_a_tie_is_not_adopted():
    assert not majority(10, ["yes", "no"]).passing


def test_majority_abstentions_only_help_the_quorum():
    t = majority(4, ["yes", "abstain"], quorum=Fraction(1, 2))
    assert t.quorum_met and t.passing
    assert not majority(4, ["yes"], quorum=Fraction(1, 2)).quorum_met


def test_majority_quorum_is_reached_exactly_at_the_fraction():
    assert majority(10, ["yes"] * 5, quorum=Fraction(1, 2)).quorum_met
    assert not majority(10, ["yes"] * 4, quorum=Fraction(1, 2)).quorum_met


def test_majority_quorum_zero_still_needs_a_yes():
    t = majority(10, [])
    assert t.quorum_met and not t.passing
    assert majority(10, ["yes"]).passing


@pytest.mark.parametrize("rule", rules.RULES)
def test_an_empty_roll_decides_nothing(rule):
    t = rules.tally(rule, Measure(0, 0, D("0.00")), [], 0)
    assert not t.quorum_met and not t.passing
    assert t.counts == {"yes": 0, "no": 0, "abstain": 0}


def test_household_counts_units():
    eligible = Measure(people=5, households=4, area=D("320.00"))
    votes = [Ballot("yes", 1, D("80")), Ballot("yes", 2, D("80")), Ballot("no", 3, D("80"))]
    t = rules.tally("household", eligible, votes, Fraction(3, 4))
    assert t.quorum_met and t.passing
    assert (t.participation.households, t.participation.area) == (3, D("240.00"))


def test_voter_keys():
    assert rules.voter_key("majority", 7, 12) == "u:7"
    assert rules.voter_key("household", 7, 12) == "h:12"
    assert rules.voter_key("civil_code_major", 7, 12) == "h:12"
    with pytest.raises(ValueError):
        rules.voter_key("household", 7, None)


def test_bad_rule_or_quorum_is_refused():
    with pytest.raises(ValueError):
        rules.tally("show_of_hands", Measure(1, 1, D("1")), [], 0)
    with pytest.raises(ValueError):
        rules.tally("majority", Measure(1, 1, D("1")), [], Fraction(3, 2))
