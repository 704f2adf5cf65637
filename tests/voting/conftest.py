"""Voting fixtures: a courtyard with a topic, proposals, ballots, and a clock the test moves."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from courtyard import clock
from courtyard.deliberation import services as deliberation
from courtyard.voting import services

from ..clocks import FakeClock  # noqa: F401  (re-exported for the tests)
from ..api.conftest import assert_error  # noqa: F401  (re-exported for the tests)
from ..realtime.conftest import connect  # noqa: F401  (fixture)



class Voting:
    """Builders that read like the product: v.topic(), v.proposal(), v.ballot(rule=...)."""

    def __init__(self, make):
        self.make = make
        self.courtyard = make.courtyard(units=6, area="80.00")
        self.secretary = make.secretary(self.courtyard)

    def resident(self, **kw):
        return self.make.resident(self.courtyard, **kw)

    def topic(self, author=None, **kw):
        return deliberation.create_topic(author or self.secretary, self.courtyard, title=kw.get("title", "电动车棚加装充电桩"),
                                         body=kw.get("body", "车棚里没有充电桩，大家在楼道里充电，很危险。"),
                                         category="facilities")

    def proposal(self, topic=None, author=None, title="在车棚北墙安装10个充电桩", body="费用由物业承担。"):
        topic = topic or self.topic()
        return services.create_proposal(author or self.secretary, topic, title=title, body=body)

    def ballot(self, rule="majority", *, proposal=None, minutes=60, secret=False, quorum=None):
        proposal = proposal or self.proposal()
        return services.open_ballot(self.secretary, proposal, rule=rule, secret=secret, quorum=quorum,
                                    closes_at=clock.now() + timedelta(minutes=minutes))


@pytest.fixture
def v(make) -> Voting:
    return Voting(make)
