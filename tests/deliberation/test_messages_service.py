import pytest

from courtyard import events
from courtyard.deliberation import services
from courtyard.errors import Forbidden, Invalid, NotFound


@pytest.fixture
def topic(make):
    cy = make.courtyard()
    author = make.resident(cy)
    return services.create_topic(author, cy, title="电动车棚", body="车棚顶漏雨", category="facilities")


def test_a_message_is_stored_then_published_to_the_topic_room(make, topic):
    neighbour = make.resident(topic.courtyard)
    with events.capture() as sent:
        msg, created = services.post_message(neighbour, topic, body="  我也觉得  ", client_id="c1")
    assert created and msg.id and msg.body == "我也觉得"
    # the topic's author hears of the reply (courtyard/notifications), after the message itself
    assert [(e, r) for e, r, _ in sent] == [("message.posted", f"topic:{topic.id}"),
                                            ("notification.created", f"user:{topic.author_id}")]
    assert sent[0][2]["id"] == msg.id


def test_a_retried_client_id_returns_the_first_message_and_stores_nothing(make, topic):
    neighbour = make.resident(topic.courtyard)
    first, _ = services.post_message(neighbour, topic, body="一", client_id="same")
    with events.capture() as sent:
        again, created = services.post_message(neighbour, topic, body="二", client_id="same")
    assert not created and again.id == first.id and again.body == "一"
    assert sent == []
    assert [m.id for m in services.messages_after(neighbour, topic)] == [first.id]


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, None, 5])
def test_bad_bodies_are_invalid_and_store_nothing(make, topic, body):
    with pytest.raises(Invalid) as err:
        services.post_message(topic.author, topic, body=body, client_id="c")
    assert "body" in err.value.fields
    assert services.messages_after(topic.author, topic) == []


def test_outsiders_cannot_read_or_post(make, topic):
    stranger = make.resident(make.courtyard())
    with pytest.raises(NotFound):
        services.post_message(stranger, topic, body="hi", client_id="c")
    with pytest.raises(NotFound):
        services.messages_after(stranger, topic)


def test_a_locked_topic_refuses_posts(make, topic):
    topic.locked = True
    with pytest.raises(Forbidden):
        services.post_message(topic.author, topic, body="hi", client_id="c")


def test_messages_after_returns_ascending_ids_after_the_given_one(make, topic):
    ids = [services.post_message(topic.author, topic, body=str(i), client_id=str(i))[0].id for i in range(5)]
    assert [m.id for m in services.messages_after(topic.author, topic, after=ids[1])] == ids[2:]
