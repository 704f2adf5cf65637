"""A small street for the search tests: topics and messages in two courtyards of one community."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import pytest

from courtyard.deliberation import services as deliberation

_client_ids = count(1)


@dataclass
class Street:
    a: object      # courtyard A
    b: object      # courtyard B, same community
    resident: object
    neighbour: object
    secretary: object
    outsider: object  # a resident of B
    staff: object
    admin: object

    def topic(self, title, body="请大家看看。", *, author=None, courtyard=None, category="facilities"):
        return deliberation.create_topic(author or self.resident, courtyard or self.a, title=title, body=body,
                                         category=category)

    def say(self, topic, body, author=None):
        message, _ = deliberation.post_message(author or self.neighbour, topic, body=body,
                                               client_id=f"s-{next(_client_ids)}")
        return message


@pytest.fixture
def street(make) -> Street:
    a = make.courtyard(name="1号楼")
    b = make.courtyard(a.building.community, name="2号楼")
    return Street(a=a, b=b, resident=make.resident(a), neighbour=make.resident(a), secretary=make.secretary(a),
                  outsider=make.resident(b), staff=make.community_staff(a.building.community),
                  admin=make.street_admin())
