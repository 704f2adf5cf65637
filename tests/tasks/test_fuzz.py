"""Whatever is thrown at the task routes, by the people allowed to use them: never a 500, always the
contract's body (CONTRACT §2)."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..api.test_fuzz import check, ids, obj, values

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# route → (who may use it, path, body strategy)
ROUTES = {
    "dispatch": ("secretary", "/topics/{topic}/tasks", obj({"assignee_org_id": values | ids, "title": values,
                                                            "due_at": values})),
    "update": ("staff", "/tasks/{task}/updates", obj({"status": values, "note": values,
                                                      "photo_ids": values | st.lists(ids, max_size=3)})),
    "verification": ("author", "/tasks/{task}/verification", obj({"accepted": values, "note": values})),
    "rating": ("neighbour", "/tasks/{task}/ratings", obj({"score": values})),
    "escalation": ("secretary", "/tasks/{task}/escalations", obj({"reason": values, "to_org_id": values | ids})),
    "acknowledgement": ("community_staff", "/escalations/{escalation}/acknowledgement", obj({"note": values})),
}


@pytest.fixture
def scene(w, api):
    from courtyard.tasks import services
    topic = w.topic()
    task = services.create_task(w.secretary, topic)
    escalation = services.escalate(w.secretary, task, reason="太慢")
    return w, {"topic": topic.id, "task": task.id, "escalation": escalation.id}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_write_routes_never_fail(api, scene, name):
    w, ids_ = scene
    who, path, bodies = ROUTES[name]
    client = api.as_(getattr(w, who))

    @FUZZ
    @given(body=bodies | values)
    def run(body):
        check(client.post(path.format(**ids_), body))

    run()


def test_the_policy_route_never_fails(api, scene):
    w, _ = scene
    client = api.as_(w.community_staff)

    @FUZZ
    @given(body=obj({"reminder_hours": values | ids, "level1_after_hours": values | ids,
                     "level2_after_hours": values | ids, "level2_org_id": values | ids,
                     "service_hours": values | st.dictionaries(st.sampled_from(["repairs", "parking", "x"]),
                                                               values | ids, max_size=3)}) | values)
    def run(body):
        check(client.request("PUT", f"/communities/{w.community.id}/task-policy", body))

    run()


def test_list_queries_never_fail(api, scene):
    w, _ = scene
    client = api.as_(w.admin)
    keys = st.sampled_from(["status", "org_id", "courtyard_id", "topic_id", "page", "per_page", "pending", "scope",
                            "actor_id", "action", "subject_type", "subject_id", "since", "until"])
    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)

    @FUZZ
    @given(path=st.sampled_from(["/tasks", "/escalations", "/audit"]),
           query=st.dictionaries(keys, text | st.integers(min_value=-2**70, max_value=2**70).map(str), max_size=4))
    def run(path, query):
        check(client.get(f"{path}?{urlencode(query)}"))

    run()
