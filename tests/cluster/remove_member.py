"""Remove a resident from a courtyard (its status set to removed, as places.services.remove_membership does),
in a process of its own with the cluster's environment: the removal must reach the sockets
of every worker.

    python -m tests.cluster.remove_member COURTYARD_ID USER_ID
"""
from __future__ import annotations

import json
import sys


def _remove(courtyard_id: int, user_id: int) -> dict:
    import sqlalchemy as sa

    from courtyard import create_app
    from courtyard.extensions import db
    from courtyard.places.models import Membership, MembershipStatus

    app = create_app()
    with app.app_context():
        membership = db.session.scalar(sa.select(Membership).where(
            Membership.courtyard_id == courtyard_id, Membership.user_id == user_id))
        membership.status = MembershipStatus.removed  # as places.services.remove_membership does
        db.session.commit()
        db.session.remove()
    return {"removed": user_id}


if __name__ == "__main__":
    print(json.dumps(_remove(int(sys.argv[1]), int(sys.argv[2]))))
