"""``coach admin ...``: bootstrap and run a shared deployment from the shell.

The shell operator holds the database URL, so these commands need no sign-in; every action
is still written to the audit log as ``shell:<os user>``. Passwords are read from a prompt
or stdin, never from the command line (where ``ps`` and shell history would keep them).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from coach.db.database import Database, open_database
from coach.db.models import ROLES
from coach.errors import CoachError
from coach.services import admin, cohorts
from coach.services.admin import ShellOperator
from coach.settings import load_settings


@contextmanager
def shell_database() -> Iterator[Database]:
    """Open the database the settings name for one shell command, and close it after."""
    db = open_database(load_settings())
    try:
        yield db
    finally:
        db.close()


_database = shell_database  # the name the admin commands call it by


def _read_password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CoachError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise CoachError("the two passwords differ; nothing was created")
    return first


def _create_user(args: argparse.Namespace) -> int:
    password = _read_password(args)
    with _database() as db:
        user = admin.create_account(
            db,
            ShellOperator.current(),
            email=args.email,
            display_name=args.name,
            password=password,
            role=args.role,
        )
    how = "with a password" if password is not None else "without a password (OIDC sign-in)"
    print(f"created user {user.user_id} ({args.email.strip().lower()}, {args.role}) {how}")
    return 0


def _print_invite(invite: cohorts.NewInvite, what: str) -> None:
    # The code goes to stdout only (never to the log): hand it to the learners.
    print(invite.code)
    seats = "no seat limit" if invite.seat_limit is None else f"{invite.seat_limit} seats"
    print(
        f"{what} cohort {invite.cohort_id} ({invite.cohort_name}): invite code valid until "
        f"{invite.expires_at:%Y-%m-%d %H:%M} UTC, {seats}; it is shown only now",
        file=sys.stderr,
    )


def _create_cohort(args: argparse.Namespace) -> int:
    with _database() as db:
        invite = cohorts.create_cohort(
            db,
            ShellOperator.current(),
            name=args.name,
            seats=args.seats,
            expires_days=args.expires_days,
        )
    _print_invite(invite, "created")
    return 0


def _rotate_code(args: argparse.Namespace) -> int:
    operator = ShellOperator.current()
    with _database() as db:
        cohort_id = cohorts.cohort_named(db, operator, name=args.cohort)
        invite = cohorts.rotate_code(
            db, operator, cohort_id=cohort_id, expires_days=args.expires_days
        )
    _print_invite(invite, "new code for")
    return 0


def _set_seats(args: argparse.Namespace) -> int:
    operator = ShellOperator.current()
    seats = None if args.seats == "none" else _positive(args.seats)
    with _database() as db:
        cohort_id = cohorts.cohort_named(db, operator, name=args.cohort)
        cohorts.set_seats(db, operator, cohort_id=cohort_id, seats=seats)
    print(f"{args.cohort.strip()}: {'no seat limit' if seats is None else f'{seats} seats'}")
    return 0


def _positive(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CoachError(f"seats must be a whole number or 'none', not {text!r}") from None


def _add_member(args: argparse.Namespace) -> int:
    with _database() as db:
        admin.add_member(
            db, ShellOperator.current(), cohort=args.cohort, email=args.email, role=args.role
        )
    print(f"{args.email.strip().lower()} is a {args.role} in {args.cohort.strip()}")
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    with _database() as db:
        code = admin.issue_reset_code(db, ShellOperator.current(), email=args.email)
    # The code goes to stdout only (never to the log): hand it to the user privately.
    print(code)
    print(
        "one-time code, valid 24 hours: the user enters it on the sign-in page under "
        "'Have a reset code from an admin?'",
        file=sys.stderr,
    )
    return 0


def _list_users(args: argparse.Namespace) -> int:
    with _database() as db:
        rows = admin.list_users(db, ShellOperator.current())
    print("id\temail\tname\trole\tsign-in\tcohorts")
    for row in rows:
        # Names are the users' own text: keep one row per line whatever they typed.
        name = row.display_name.replace("\t", " ")
        print(
            f"{row.id}\t{row.email or '-'}\t{name}\t{row.role}\t{row.sign_in}\t"
            f"{','.join(row.cohorts) or '-'}"
        )
    return 0


def _delete_user(args: argparse.Namespace) -> int:
    with _database() as db:
        user_id = admin.delete_account(db, ShellOperator.current(), email=args.email)
    print(f"deleted user {user_id} with all their attempts and sessions")
    return 0


def _audit(args: argparse.Namespace) -> int:
    with _database() as db:
        rows = admin.audit_log(db, ShellOperator.current(), limit=args.limit)
    for row in rows:
        print(f"{row.at:%Y-%m-%d %H:%M:%S} UTC\t{row.actor}\t{row.action}\t{row.target}")
    return 0


def register_admin(subparsers: Any) -> None:
    """Add ``coach admin`` and its commands to the CLI."""
    parser = subparsers.add_parser("admin", help="accounts and cohorts of a shared deployment")
    commands = parser.add_subparsers(dest="admin_command", required=True)

    def command(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        return sub

    create = command("create-user", "create an account", _create_user)
    create.add_argument("email")
    create.add_argument("--name", required=True, help="display name")
    create.add_argument("--role", choices=ROLES, default="learner", help="deployment role")
    source = create.add_mutually_exclusive_group()
    source.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    source.add_argument(
        "--no-password", action="store_true", help="no password: the user signs in with OIDC"
    )

    cohort = command("create-cohort", "create a cohort and print its invite code", _create_cohort)
    cohort.add_argument("name")
    cohort.add_argument("--seats", type=int, help="how many learners may join (default: no limit)")
    cohort.add_argument(
        "--expires-days",
        type=int,
        default=cohorts.DEFAULT_INVITE_DAYS,
        help=f"days the invite code stays valid (default {cohorts.DEFAULT_INVITE_DAYS})",
    )

    rotate = command(
        "rotate-code", "replace a cohort's invite code (the old one stops working)", _rotate_code
    )
    rotate.add_argument("cohort")
    rotate.add_argument(
        "--expires-days",
        type=int,
        default=cohorts.DEFAULT_INVITE_DAYS,
        help=f"days the new code stays valid (default {cohorts.DEFAULT_INVITE_DAYS})",
    )

    seats = command("set-seats", "set how many learners may join a cohort", _set_seats)
    seats.add_argument("cohort")
    seats.add_argument("seats", help="a number, or 'none' for no limit")

    member = command("add-member", "put a user in a cohort with a role", _add_member)
    member.add_argument("cohort")
    member.add_argument("email")
    member.add_argument("--role", choices=ROLES, default="learner", help="role in the cohort")

    reset = command(
        "reset-password", "print a one-time password-reset code for a user", _reset_password
    )
    reset.add_argument("email")

    command("list-users", "list accounts, sign-in methods and cohorts", _list_users)

    command("delete-user", "delete an account with all its data", _delete_user).add_argument(
        "email"
    )

    audit = command("audit", "show the newest admin actions", _audit)
    audit.add_argument("--limit", type=int, default=50)
