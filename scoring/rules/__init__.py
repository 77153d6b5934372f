"""The rule registry: every rule the engine runs, in a fixed order, registered explicitly."""

from __future__ import annotations

from scoring.rules import communication, craft, framing, story
from scoring.rules.base import Example, Rule

RULES: tuple[Rule, ...] = framing.RULES + craft.RULES + story.RULES + communication.RULES
_BY_ID = {rule.id: rule for rule in RULES}
if len(_BY_ID) != len(RULES):  # ids are permanent and unique
    raise RuntimeError("duplicate rule id in the registry")


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id (KeyError for an unknown id)."""
    return _BY_ID[rule_id]


__all__ = ["RULES", "Example", "Rule", "rule_by_id"]
