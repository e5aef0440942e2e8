"""comply: a policy-as-code compliance gate for machine-learning models."""

from __future__ import annotations

__version__ = "0.1.0"

DISTRIBUTION = "comply-gate"
"""The name on the package index (`comply` there belongs to an unrelated project); the command stays `comply`."""
