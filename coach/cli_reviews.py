"""``coach reviews agreement`` and ``coach export reviews --jsonl``: mentors' reviews for the
people who tune the engine.

Both read every learner's reviewed answers, so they run as the shell operator (who holds the
database URL, like ``coach admin``), never as a signed-in user.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from coach.cli_admin import shell_database
from coach.errors import CoachError
from coach.services.admin import ShellOperator


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _agreement(args: argparse.Namespace) -> int:
    from coach.services import review_stats  # only this command pays for the import

    with shell_database() as db:
        stats = review_stats.agreement(db, ShellOperator.current())
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2))
        return 0
    print(f"{stats.reviews} submitted review(s)")
    print()
    print(
        f"{'flag':<28} {'accepted':>8} {'rejected':>8} {'added':>6} {'precision':>9} {'recall':>6}"
    )
    for flag in stats.flags:
        print(
            f"{flag.flag_id:<28} {flag.accepted:>8} {flag.rejected:>8} {flag.added:>6} "
            f"{_share(flag.precision):>9} {_share(flag.recall):>6}"
        )
    if not stats.flags:
        print("(no flag decisions yet)")
    print()
    print(f"{'element':<20} {'n':>5} {'precision':>9} {'recall':>6} {'f1':>5}")
    for element in stats.elements:
        print(
            f"{element.element:<20} {element.n:>5} {_share(element.precision):>9} "
            f"{_share(element.recall):>6} {_share(element.f1):>5}"
        )
    return 0


def _export_reviews(args: argparse.Namespace) -> int:
    from coach.services import review_stats

    with shell_database() as db:
        lines = list(review_stats.export_reviews_jsonl(db, ShellOperator.current()))
    if args.output is None:
        sys.stdout.writelines(lines)
        return 0
    try:
        args.output.write_text("".join(lines), encoding="utf-8")
    except OSError as error:
        raise CoachError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"wrote {len(lines)} reviewed answer(s) to {args.output}")
    return 0


def register_reviews(subparsers: Any) -> None:
    """Add ``coach reviews agreement`` and ``coach export reviews`` to the CLI."""
    reviews = subparsers.add_parser("reviews", help="mentors' reviews against the engine")
    commands = reviews.add_subparsers(dest="reviews_command", required=True)
    agreement = commands.add_parser(
        "agreement", help="per flag and per element, the engine's precision and recall"
    )
    agreement.add_argument("--json", action="store_true", help="print JSON instead of a table")
    agreement.set_defaults(handler=_agreement)

    export = subparsers.add_parser("export", help="export data for tuning the engine")
    kinds = export.add_subparsers(dest="export_kind", required=True)
    reviewed = kinds.add_parser(
        "reviews",
        help="reviewed answers in the labelled corpus's shape (labels from mentors; a label "
        "no mentor settled is left out)",
    )
    reviewed.add_argument(
        "--jsonl", action="store_true", required=True, help="one JSON object per line"
    )
    reviewed.add_argument(
        "--output", type=lambda value: Path(value).expanduser(), help="file (default: stdout)"
    )
    reviewed.set_defaults(handler=_export_reviews)
