"""Benchmark data for bench/fanout.py: one courtyard, one topic, N residents with API tokens.

Written straight into the database in a few bulk statements (one precomputed password
hash, token digests computed here) so that a benchmark of 5,000 clients neither waits
minutes for set-up nor goes through login and its throttling. Run unpatched, in its own
process, against the DATABASE_URL of the environment (schema already at head):

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python bench/demo_data.py --readers 1000 --posters 10 --out ids.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import sys
from pathlib import Path

# The checkout whose `courtyard` package to use (bench/fanout.py --app-root), by default this one.
sys.path.insert(0, os.environ.get("COURTYARD_ROOT") or str(Path(__file__).resolve().parent.parent))


def token_digest(raw: str) -> str:
    """What courtyard.accounts stores for a bearer token: its SHA-256 (models.ApiToken)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def populate(readers: int, posters: int) -> dict:
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from courtyard.accounts.models import ApiToken, User
    from courtyard.deliberation.models import Category, Topic
    from courtyard.extensions import db
    from courtyard.places.models import Building, Community, Courtyard, Membership, MembershipStatus, Role
    from courtyard.places.services import new_invite_code

    run = secrets.token_hex(3)  # fresh logins each run, so a reused (PostgreSQL) database works too
    community = Community(name=f"压测社区-{run}")
    building = Building(community=community, name="1号楼", invite_code=new_invite_code())
    building.courtyard = Courtyard()
    db.session.add(building)
    db.session.commit()
    courtyard_id = building.courtyard.id

    password_hash = generate_password_hash(secrets.token_urlsafe(16))  # no one logs in with it
    total = readers + posters
    db.session.execute(sa.insert(User), [
        {"login": f"bench-{run}-{i}", "password_hash": password_hash, "display_name": f"居民{i + 1}"}
        for i in range(total)])
    ids = list(db.session.scalars(sa.select(User.id).where(User.login.like(f"bench-{run}-%"))
                                  .order_by(User.id)))
    assert len(ids) == total
    raw_tokens = [secrets.token_urlsafe(32) for _ in ids]
    db.session.execute(sa.insert(ApiToken), [
        {"user_id": uid, "digest": token_digest(raw)} for uid, raw in zip(ids, raw_tokens)])
    db.session.execute(sa.insert(Membership), [
        {"courtyard_id": courtyard_id, "user_id": uid, "role": Role.resident,
         "status": MembershipStatus.active} for uid in ids])
    topic = Topic(courtyard_id=courtyard_id, author_id=ids[0], title="电动车棚充电桩（压测）",
                  body="压测用议题：大家在这里讨论。", category=Category.facilities)
    db.session.add(topic)
    db.session.commit()
    return {"courtyard_id": courtyard_id, "topic_id": topic.id,
            "readers": raw_tokens[:readers], "posters": raw_tokens[readers:]}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--readers", type=int, required=True)
    p.add_argument("--posters", type=int, required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)

    from courtyard import create_app

    app = create_app()
    with app.app_context():
        data = populate(args.readers, args.posters)
    Path(args.out).write_text(json.dumps(data))


if __name__ == "__main__":
    main()
