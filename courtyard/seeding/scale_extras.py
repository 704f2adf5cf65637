"""The street-scale seed's parts beyond the building (issue 12): districts, the project pool,
emergencies. Each part is one function in its own module, listed in EXTRAS; it receives the
rows `seed_scale` already wrote (`Scale`), writes its own with `scale._insert` and returns the
models whose PostgreSQL id sequences must be moved past the ids it assigned.

Each function takes (scale: Scale, made) where `made(name, n)` records and prints a count.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class Scale:
    rng: random.Random
    first_day: date
    until: date
    end: datetime                      # the last instant of `until`, Beijing time
    created: datetime                  # when places and people were created
    hashed: str                        # the shared password hash, for new accounts
    communities: list[dict]            # rows written: id, name
    buildings: list[dict]              # id, community_id, name, property_org_id
    department_ids: list[int]
    property_ids: list[int]
    users: list[dict]                  # id, login, display_name … (ids are dense from 1)
    admin_id: int
    staff_of: dict[int, int]           # community id → its staff account
    org_staff: dict[int, int]          # organization id → its staff account
    secretary_of: dict[int, int]       # courtyard id → its secretary
    people_of: dict[int, list[int]]    # courtyard id → member user ids
    members: list[dict]                # membership rows: courtyard_id, user_id, unit_id, role
    topics: list[dict]                 # id, courtyard_id, category, status, title, created_at …
    tasks: list[dict]                  # id, topic_id, status, created_at …
    escalations: list[dict]            # id, task_id, level, target, created_at …


def _extras():
    from . import scale_districts, scale_emergencies, scale_projects
    return (scale_emergencies.seed, scale_projects.seed, scale_districts.seed)


def run(scale: Scale, made) -> list:
    """Every part in order; the models whose sequences need moving on PostgreSQL."""
    models: list = []
    for part in _extras():
        models += part(scale, made)
    return models
