"""The map (communities, buildings, courtyards, units, organizations) and who holds which role where."""
