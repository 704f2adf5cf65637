"""A courtyard with residents, a secretary and a ballot, written into a live server's database.

Run in its own process (the test process must not bind a second app to the Socket.IO
extension), like tests/live/world.py. Prints JSON: ids and bearer tokens.

    python -m tests.voting.live_world RESIDENTS RULE   (DATABASE_URL names the database)
"""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from types import SimpleNamespace

from ..live import ROOT


def _build(residents: int, rule: str) -> dict:
    from datetime import timedelta

    import sqlalchemy as sa

    from courtyard import clock, create_app
    from courtyard.accounts.models import ApiToken, User
    from courtyard.accounts.services import _digest
    from courtyard.deliberation import services as deliberation
    from courtyard.extensions import db
    from courtyard.places.models import Building, Community, Courtyard, Membership, MembershipStatus, Role, Unit
    from courtyard.places.services import new_invite_code
    from courtyard.voting import services

    from ..factories import password_hash

    app = create_app()
    with app.app_context():
        tag = uuid.uuid4().hex[:6]
        building = Building(community=Community(name=f"芳城园{tag}社区"), name=f"{tag}号楼",
                            invite_code=new_invite_code())
        building.courtyard = Courtyard()
        building.units = [Unit(label=f"{i // 2 + 1:02d}0{i % 2 + 1}", area_m2="80.00") for i in range(residents)]
        db.session.add(building)
        db.session.commit()
        # Hundreds of people in a few bulk statements, each with a bearer token.
        logins = [f"v{tag}{i}" for i in range(residents + 1)]
        db.session.execute(sa.insert(User), [{"login": login, "password_hash": password_hash(),
                                              "display_name": f"居民{i}号"} for i, login in enumerate(logins)])
        ids = list(db.session.scalars(sa.select(User.id).where(User.login.in_(logins)).order_by(User.id)))
        tokens = [uuid.uuid4().hex + uuid.uuid4().hex for _ in ids]
        db.session.execute(sa.insert(ApiToken), [{"user_id": i, "digest": _digest(t)} for i, t in zip(ids, tokens)])
        units = [u.id for u in building.units]
        secretary_id, resident_ids = ids[-1], ids[:-1]
        db.session.execute(sa.insert(Membership), [
            {"courtyard_id": building.courtyard.id, "user_id": uid, "role": Role.resident, "unit_id": units[i],
             "is_owner": True, "status": MembershipStatus.active} for i, uid in enumerate(resident_ids)] + [
            {"courtyard_id": building.courtyard.id, "user_id": secretary_id, "role": Role.secretary,
             "unit_id": None, "is_owner": False, "status": MembershipStatus.active}])
        db.session.commit()
        secretary = db.session.get(User, secretary_id)
        topic = deliberation.create_topic(secretary, building.courtyard, title="电动车棚加装充电桩",
                                          body="车棚没有充电桩", category="facilities")
        proposal = services.create_proposal(secretary, topic, title="北墙装 10 个充电口", body="物业出资")
        services.open_ballot(secretary, proposal, rule=rule, closes_at=clock.now() + timedelta(hours=1))
        world = {"topic_id": topic.id, "proposal_id": proposal.id,
                 "residents": [{"id": i, "token": t} for i, t in zip(resident_ids, tokens)],
                 "secretary": {"id": secretary_id, "token": tokens[-1]}}
        db.session.remove()
    return world


def build_ballot(server, residents: int = 2, rule: str = "majority") -> SimpleNamespace:
    """Write a courtyard with an open ballot into `server`'s database; returns it with attribute access."""
    out = subprocess.run([sys.executable, "-m", "tests.voting.live_world", str(residents), rule], cwd=ROOT,
                         env=server.env, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"building the ballot failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1], object_hook=lambda d: SimpleNamespace(**d))


if __name__ == "__main__":
    print(json.dumps(_build(int(sys.argv[1]), sys.argv[2])))
