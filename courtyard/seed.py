"""Demo data for `flask seed-demo`."""


def seed_demo() -> str:
    return "nothing seeded yet"
