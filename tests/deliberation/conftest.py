"""The world of tests/places/world.py and role clients, as in tests/api."""
from ..api.conftest import as_role, world  # noqa: F401  (fixtures)
