"""The order red flags as facts about positions: what came before the framing was set.

``solution-first`` and ``tech-before-framing`` are defined on where elements first appear, so
the same function serves the rules (on an analysis) and the benchmarks (on a stored report).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

# flag id -> (the element that must wait, the elements that must come first)
ORDER_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "solution-first": ("solution", ("who", "why")),
    "tech-before-framing": ("tech", ("who", "why", "metrics")),
}


def breach_at(first_at: Callable[[str], int | None], flag_id: str) -> int | None:
    """Offset of the element that came too early for ``flag_id``, or None when in order.

    >>> firsts = {"solution": 0, "who": 10, "why": 20}
    >>> breach_at(firsts.get, "solution-first")
    0
    >>> breach_at({"solution": 30, "who": 10, "why": 20}.get, "solution-first") is None
    True
    >>> breach_at({"tech": 5, "who": 0, "why": 1}.get, "tech-before-framing")  # no metrics yet
    5
    """
    element, framing = ORDER_RULES[flag_id]
    start = first_at(element)
    if start is None:
        return None
    offsets = [first_at(name) for name in framing]
    if all(offset is not None and offset <= start for offset in offsets):
        return None
    return start


def order_verdicts(first_at: Mapping[str, int | None]) -> dict[str, bool]:
    """Both order verdicts from each element's first offset (None: absent)."""
    return {flag_id: breach_at(first_at.get, flag_id) is not None for flag_id in ORDER_RULES}
