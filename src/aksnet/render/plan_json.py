"""``aksnet plan -o json``: the plan as one JSON document (every field of :class:`~aksnet.analyses.plan.Plan`)."""

from __future__ import annotations

import dataclasses
import json

from aksnet.analyses.plan import Plan


def render(plan: Plan) -> str:
    return json.dumps(dataclasses.asdict(plan), indent=2) + "\n"
