"""Remove a resident from a courtyard through places.services.remove_membership, as the
community's staff, in a process of its own with the cluster's environment: the removal must
reach the sockets of every worker.

    python -m tests.cluster.remove_member COURTYARD_ID USER_ID
"""
from __future__ import annotations

import json
import sys


def _remove(courtyard_id: int, user_id: int) -> dict:
    import sqlalchemy as sa

    from courtyard import create_app
    from courtyard.extensions import db
    from courtyard.places import services as places
    from courtyard.places.models import Courtyard, Membership

    from ..factories import Factory

    app = create_app()
    with app.app_context():
        courtyard = db.session.get(Courtyard, courtyard_id)
        staff = Factory().community_staff(courtyard.building.community)
        membership = db.session.scalar(sa.select(Membership).where(
            Membership.courtyard_id == courtyard_id, Membership.user_id == user_id))
        places.remove_membership(staff, membership)
        db.session.remove()
    return {"removed": user_id}


if __name__ == "__main__":
    print(json.dumps(_remove(int(sys.argv[1]), int(sys.argv[2]))))
