"""A courtyard with a topic, residents and a secretary, written into a live server's database.

Run in its own process (`build_world(server)`), so that the test process never binds a
second app to the Socket.IO extension. Prints JSON: ids, logins and bearer tokens; every
password is tests.factories.PASSWORD.

    python -m tests.live.world RESIDENTS   (DATABASE_URL names the database)
"""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from types import SimpleNamespace

from . import ROOT


def _person(user, token: str) -> dict:
    return {"id": user.id, "login": user.login, "display_name": user.display_name, "token": token}


def _build(residents: int) -> dict:
    from courtyard import create_app
    from courtyard.accounts.services import issue_token
    from courtyard.deliberation import services
    from courtyard.extensions import db

    from ..factories import Factory

    app = create_app()
    with app.app_context():
        make = Factory()
        tag = uuid.uuid4().hex[:6]
        community = make.community(f"芳城园{tag}社区")
        courtyard = make.courtyard(community, units=max(4, residents), name=f"{tag}号楼")
        people = [make.resident(courtyard, user=make.user(f"r{tag}{i}", display_name=f"居民{i}号"))
                  for i in range(residents)]
        secretary = make.secretary(courtyard, user=make.user(f"s{tag}", display_name="王书记"))
        outsider = make.resident(make.courtyard(make.community(f"紫芳园{tag}社区")), user=make.user(f"o{tag}", display_name="外院居民"))
        topic = services.create_topic(people[0], courtyard, title="楼道堆物", body="三楼楼道堆满杂物，消防隐患",
                                      category="safety")
        world = {
            "courtyard_id": courtyard.id, "topic_id": topic.id,
            "residents": [_person(u, issue_token(u)) for u in people],
            "secretary": _person(secretary, issue_token(secretary)),
            "outsider": _person(outsider, issue_token(outsider)),
        }
        db.session.remove()
    return world


def run_world(module: str, server, *args: str) -> SimpleNamespace:
    """Run `python -m module args…` against `server`'s database (its environment): the module
    writes its world and prints it as JSON on its last line; returned with attribute access."""
    out = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=server.env,
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"building the world of {module} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1], object_hook=lambda d: SimpleNamespace(**d))


def build_world(server, residents: int = 2) -> SimpleNamespace:
    """Write a fresh world into `server`'s database; returns it with attribute access."""
    return run_world("tests.live.world", server, str(residents))


if __name__ == "__main__":
    print(json.dumps(_build(int(sys.argv[1]))))
