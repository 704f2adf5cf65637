"""A street (tests/places/world.py), a topic raised by A1's resident, and a message in it."""
from __future__ import annotations

import pytest

from courtyard.deliberation import services

from ..api.conftest import as_role, world  # noqa: F401  (fixtures)

READERS = ("resident", "building_lead", "secretary", "staff", "street_admin")
NON_READERS = ("anonymous", "pending", "other_staff", "property", "department", "neighbour", "outsider")
MODERATORS = ("building_lead", "secretary", "staff", "street_admin")
INVITERS = ("secretary", "staff", "street_admin")


@pytest.fixture
def topic(world):
    return services.create_topic(world.user("resident"), world.courtyards["A1"], title="电动车棚漏雨",
                                 body="车棚顶漏雨，电瓶车都淋湿了", category="facilities")


@pytest.fixture
def message(world, topic):
    msg, _ = services.post_message(world.user("resident"), topic, body="今天又漏了", client_id="m1")
    return msg


@pytest.fixture
def other_message(make, world, topic):
    """A message by someone other than the resident, so that the resident may report it."""
    neighbour = make.resident(world.courtyards["A1"])
    msg, _ = services.post_message(neighbour, topic, body="物业说下周修", client_id="m2")
    return msg
