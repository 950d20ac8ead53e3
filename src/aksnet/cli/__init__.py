"""Command-line front ends: az, kubectl, helm and the aksnet verbs. Parse → call → render; nothing imports cli."""
