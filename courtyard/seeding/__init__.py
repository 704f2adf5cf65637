"""Data for demos and measurements, kept out of the runtime domains: only the CLI imports it.

- demo.py: `flask seed-demo`, 方庄街道 with its people and roles, then the steps of
  deliberation.py (topics and messages), voting.py (ballots) and tasks.py (tasks, policy);
- scale.py: `flask seed-scale`, a street-sized data set for bench/insight.py.

Every demo step goes through the services real use goes through; the scale seed writes rows
with SQLAlchemy Core into an empty database. No domain imports this package (.importlinter).
"""
