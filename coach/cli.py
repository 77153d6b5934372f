"""The ``coach`` command line: one sub-command per use case, thin over services."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coach.cli_admin import register_admin
from coach.cli_reviews import register_reviews
from coach.errors import CoachError, InputFileError
from coach.services.bank import get_bank, get_prompt
from coach.services.records import json_kind
from coach.settings import load_settings
from question_bank import Bank
from scoring import LEVELS, PromptSpec, Report, ScoringError, analyze, explain, warm_up
from scoring.analysis import Decision
from scoring.render import explain_text, report_text, rules_markdown, rules_text

Subparsers = argparse._SubParsersAction  # the object add_subparsers() returns
Registrar = Callable[[Subparsers], None]


# --- score / rules ---------------------------------------------------------------------------


@cache
def _scoring_bank() -> Bank:
    """The built-in plus installed custom banks, loaded once per command (batches reuse it)."""
    return get_bank(data_dir=load_settings().data_dir)


def _prompt_spec(prompt_id: str | None, prompt_text: str | None = None) -> PromptSpec | None:
    if prompt_id:
        return get_prompt(_scoring_bank(), prompt_id).to_spec()
    if prompt_text:
        return PromptSpec.from_text(prompt_text)
    return None


def _cannot_read(path: str, error: OSError) -> InputFileError:
    return InputFileError(f"cannot read {path}: {error.strerror or error}")


def _read_answer(source: str) -> str:
    """Return the answer text; refuse what is not UTF-8 text or holds nothing to score."""
    where = "standard input" if source == "-" else source
    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        raw: bytes | str = stream.read() if stream is not None else sys.stdin.read()
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as error:
            raise _cannot_read(source, error) from error
    try:
        text: str | None = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise CoachError(f"{where} looks like a binary file, not text; give a UTF-8 text file")
    if not text.strip():
        raise CoachError(f"empty answer in {where}: there is nothing to score")
    return text


# C0 and C1 controls (ESC starts ANSI/OSC sequences that recolour or retitle a terminal) and
# the bidi overrides that make text display in another order than it reads.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Return ``text`` without the characters a terminal would act on instead of print."""
    return _TERMINAL_UNSAFE.sub("", text.replace("\t", " "))


def _analyze(answer: str, spec: PromptSpec | None, level: str) -> Report:
    """Score with the scorer COACH_SCORER names (rules by default; the judge falls back)."""
    return _analyze_explained(answer, spec, level, explained=False)[0]


def _analyze_explained(
    answer: str, spec: PromptSpec | None, level: str, *, explained: bool
) -> tuple[Report, list[Decision]]:
    """The report of :func:`_analyze` and, when ``explained``, the rules engine's decisions
    (from the same run when the rules are the scorer, so the answer is read once)."""
    try:
        settings = load_settings()
    except ValidationError as error:
        problems = "; ".join(str(e["msg"]) for e in error.errors())
        raise CoachError(f"invalid settings: {problems}") from error
    if settings.scorer == "rules":
        return explain(answer, spec, level) if explained else (analyze(answer, spec, level), [])
    from coach.services.judge import scorer_for  # the openai client loads only when asked for

    report = scorer_for(settings)(answer, spec or PromptSpec(), level)
    # A judged report is explained by what the rules read in the same answer.
    return report, explain(answer, spec, level)[1] if explained else []


def _score_one(args: argparse.Namespace) -> int:
    warm_up(freeze=True)  # a one-shot process: keep the vocabulary out of the GC's way
    try:
        answer, spec = _read_answer(args.file), _prompt_spec(args.prompt)
        report, decisions = _analyze_explained(answer, spec, args.level, explained=args.explain)
    except ScoringError as error:
        raise CoachError(str(error)) from error
    # JSON escapes control characters itself; the text report quotes the answer verbatim.
    if args.json:
        print(report.to_json(indent=2))
    else:
        print(terminal_safe(report_text(report)))
        if args.explain:
            print("\n" + terminal_safe(explain_text(report, decisions)))
    return 0


def _score_batch(args: argparse.Namespace) -> int:
    """One Report per input line; a bad line gets an error object and the batch goes on."""
    try:
        lines = Path(args.jsonl).open(encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as error:
        raise _cannot_read(args.jsonl, error) from error
    with lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            print(json.dumps(_score_line(line, number, args.level), ensure_ascii=False))
    return 0


def _score_line(line: str, number: int, level: str) -> dict[str, Any]:
    item_id: Any = None
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("each line must be a JSON object")
        item_id = item.get("id")
        answer, level = item.get("answer"), item.get("level", level)
        for name in ("answer", "prompt_id", "prompt"):
            if (name == "answer" or item.get(name) is not None) and not isinstance(
                item.get(name), str
            ):
                raise ValueError(f'"{name}" must be text, got {json_kind(item.get(name))}')
        if not isinstance(level, str) or level not in LEVELS:
            raise ValueError(f'"level" must be one of {", ".join(LEVELS)}, got {json_kind(level)}')
        if not answer.strip():
            raise ValueError("empty answer: there is nothing to score")
        report = _analyze(answer, _prompt_spec(item.get("prompt_id"), item.get("prompt")), level)
    except (ValueError, CoachError) as error:
        return {"id": item_id, "line": number, "error": str(error)}
    return {"id": item_id, **report.to_dict()}


def _score(args: argparse.Namespace) -> int:
    return _score_batch(args) if args.jsonl else _score_one(args)


def _rules(args: argparse.Namespace) -> int:
    if args.disputed:
        return _disputed_rules()
    if args.asked:
        return _asked_questions()
    if args.markdown:
        sys.stdout.write(rules_markdown())
    else:
        print(rules_text())
    return 0


def _disputed_rules() -> int:
    from coach.db.database import open_database
    from coach.services.attempts import disputed_rules
    from coach.settings import load_settings
    from scoring import rule_by_id

    db = open_database(load_settings())
    try:
        counts = disputed_rules(db)
    finally:
        db.close()
    if not counts:
        print("no disputed flags yet")
        return 0
    print(f"{'disputes':>8}  {'learners':>8}  rule")
    for rule_id, disputes, learners in counts:
        try:
            title = rule_by_id(rule_id).title
        except (KeyError, LookupError, ValueError):
            title = "(retired rule)"
        print(f"{disputes:>8}  {learners:>8}  {rule_id}: {title}")
    return 0


def _asked_questions() -> int:
    from coach.db.database import open_database
    from coach.services.attempts import question_answers
    from coach.settings import load_settings

    db = open_database(load_settings())
    try:
        counts = question_answers(db)
    finally:
        db.close()
    if not counts:
        print("no answers to the engine's questions yet")
        return 0
    print(f"{'yes':>5}  {'no':>5}  element (yes: the engine's reading was right)")
    for element, tally in sorted(counts.items()):
        print(f"{tally['yes']:>5}  {tally['no']:>5}  {element}")
    return 0


def _register_scoring(subparsers: Subparsers) -> None:
    score = subparsers.add_parser(
        "score", help="score an answer (file, - for stdin, or --jsonl batch)"
    )
    score.add_argument("file", nargs="?", default="-", help="answer text file, or - for stdin")
    score.add_argument("--prompt", metavar="ID", help="question-bank prompt id the answer is for")
    score.add_argument("--level", choices=LEVELS, default="pm", help="target level (default pm)")
    score.add_argument("--json", action="store_true", help="print the full report as JSON")
    score.add_argument(
        "--explain", action="store_true", help="also print what matched, what was rejected, why"
    )
    score.add_argument(
        "--jsonl", metavar="IN", help="batch: one {id, answer, prompt?, prompt_id?} per line"
    )
    score.set_defaults(handler=_score)
    rules = subparsers.add_parser("rules", help="list the scoring rules")
    rules.add_argument("--markdown", action="store_true", help="print the docs/rules.md reference")
    rules.add_argument(
        "--disputed",
        action="store_true",
        help="how often learners marked each rule's flag 'I disagree' (a signal for its authors)",
    )
    rules.add_argument(
        "--asked",
        action="store_true",
        help="how learners answered the engine's 'is this who it is for?' questions",
    )
    rules.set_defaults(handler=_rules)


# --- bank ------------------------------------------------------------------------------------


def _register_bank(subparsers: Subparsers) -> None:
    bank = subparsers.add_parser("bank", help="browse, check, export and extend the question bank")
    commands = bank.add_subparsers(dest="bank_command", required=True)

    def data_dir_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=_path,
            help="data folder whose banks/ holds custom banks (default: the app's data folder)",
        )

    listing = commands.add_parser("list", help="list prompts, optionally filtered")
    listing.add_argument("--category", help="category slug, e.g. ai-evaluation")
    listing.add_argument("--difficulty", type=int, choices=(1, 2, 3), help="1, 2 or 3")
    listing.add_argument("--tag", help="only prompts with this tag")
    listing.add_argument("--search", help="words that must all occur in the prompt")
    data_dir_option(listing)
    listing.set_defaults(handler=_bank_list)

    show = commands.add_parser("show", help="show one prompt with hints, outline and pitfalls")
    show.add_argument("id", help="prompt id (see `coach bank list`)")
    data_dir_option(show)
    show.set_defaults(handler=_bank_show)

    validate = commands.add_parser(
        "validate",
        help="check bank files; without PATH the built-in bank plus your custom banks",
    )
    validate.add_argument("path", nargs="?", type=_path, help="a bank file (.yaml/.csv) or folder")
    validate.add_argument(
        "--with-builtin",
        action="store_true",
        help="check PATH together with the built-in bank (catches ids it already uses)",
    )
    data_dir_option(validate)
    validate.set_defaults(handler=_bank_validate)

    export = commands.add_parser("export", help="write the whole bank as CSV or YAML")
    export.add_argument("--format", required=True, choices=("csv", "yaml"), dest="fmt")
    export.add_argument("--output", type=_path, help="file to write (default: standard output)")
    data_dir_option(export)
    export.set_defaults(handler=_bank_export)

    add = commands.add_parser("add", help="validate a custom bank and install it for the app")
    add.add_argument("path", type=_path, help="custom bank file (.yaml, .yml or .csv)")
    data_dir_option(add)
    add.set_defaults(handler=_bank_add)


def _path(value: str) -> Path:
    return Path(value).expanduser()


def _bank_data_dir(args: argparse.Namespace, *, required: bool = False) -> Path | None:
    """Return --data-dir, else the app's data folder (None when settings cannot say)."""
    from coach.settings import load_settings

    if args.data_dir is not None:
        return args.data_dir

    try:
        return load_settings().data_dir
    except ValueError as error:  # invalid COACH_* settings (pydantic's error is a ValueError)
        if required:
            raise CoachError(f"cannot find the data folder ({error}); pass --data-dir") from None
        return None


def _bank_list(args: argparse.Namespace) -> int:
    from coach.services.bank import get_bank
    from question_bank.selection import filter_prompts

    bank = get_bank(data_dir=_bank_data_dir(args))
    prompts = filter_prompts(
        bank.prompts,
        category=args.category,
        difficulty=args.difficulty,
        tag=args.tag,
        query=args.search,
    )
    width = max((len(prompt.id) for prompt in prompts), default=2)
    for prompt in prompts:
        text = prompt.text if len(prompt.text) <= 60 else prompt.text[:59] + "…"
        print(f"{prompt.id:<{width}}  {prompt.category:<24}  {prompt.difficulty}  {text}")
    print(f"{len(prompts)} of {len(bank)} prompts")
    return 0


def _bank_show(args: argparse.Namespace) -> int:
    from coach.services.bank import get_bank, get_prompt

    bank = get_bank(data_dir=_bank_data_dir(args))
    prompt = get_prompt(bank, args.id)
    title = bank.category(prompt.category).title
    minutes = f"{prompt.time_limit_s // 60}:{prompt.time_limit_s % 60:02d} min"
    print(f"{prompt.id}  ({title} · difficulty {prompt.difficulty} · {minutes})")
    print(f"\n{prompt.text}\n")
    print(f"Expects: {', '.join(prompt.expects)}")
    sections = (("Hints", prompt.hints), ("Follow-ups", prompt.follow_ups))
    for heading, items in sections:
        print(f"{heading}:")
        print("\n".join(f"  - {item}" for item in items))
    print("Outline:")
    for number, step in enumerate(prompt.outline, start=1):
        print(f"  {number}. {step.move}: {step.text}")
    print("Pitfalls:")
    print("\n".join(f"  - {item}" for item in prompt.pitfalls))
    print(f"Tags: {', '.join(prompt.tags)}")
    print(f"Source: {bank.source(prompt.id)}")
    return 0


def _bank_validate(args: argparse.Namespace) -> int:
    from coach.errors import QuestionBankError
    from coach.services.bank import get_bank

    try:
        if args.path is None:
            data_dir = _bank_data_dir(args)
            bank = get_bank(data_dir=data_dir)
            custom = f" and the custom banks in {data_dir}" if data_dir else ""
            what = f"the built-in bank{custom}"
        else:
            bank = get_bank([args.path], builtin=args.with_builtin)
            what = str(args.path) + (" with the built-in bank" if args.with_builtin else "")
    except QuestionBankError as error:
        for problem in error.problems:
            print(problem)
        print(f"invalid: {len(error.problems)} problem(s)")
        return 1
    print(f"valid: {len(bank)} prompts in {len(bank.categories)} categories ({what})")
    return 0


def _bank_export(args: argparse.Namespace) -> int:
    from coach.services.bank import export_bank, get_bank

    bank = get_bank(data_dir=_bank_data_dir(args))
    text = export_bank(bank, args.fmt)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CoachError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"wrote {len(bank)} prompts to {args.output}")
    return 0


def _bank_add(args: argparse.Namespace) -> int:
    from coach.services.bank import add_custom_bank

    data_dir = _bank_data_dir(args, required=True)
    assert data_dir is not None  # required=True raises instead of returning None
    destination, count = add_custom_bank(args.path, data_dir)
    print(f"added {count} prompts from {args.path}; installed as {destination}")
    return 0


# --- db / rescore / demo ---------------------------------------------------------------------


def _register_db(subparsers: Subparsers) -> None:
    db_parser = subparsers.add_parser("db", help="manage the practice database")
    db_commands = db_parser.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="create the database or migrate it to the newest schema"
    ).set_defaults(handler=_db_upgrade)
    db_commands.add_parser("where", help="print where your practice data is stored").set_defaults(
        handler=_db_where
    )

    rescore = subparsers.add_parser(
        "rescore", help="re-run the scorer on attempts scored by an older version"
    )
    rescore.add_argument("--all", action="store_true", help="rescore every attempt")
    rescore.set_defaults(handler=_rescore)

    demo = subparsers.add_parser("demo", help="load about 60 demo attempts over 8 weeks")
    demo_action = demo.add_mutually_exclusive_group()
    demo_action.add_argument("--reset", action="store_true", help="replace existing demo data")
    demo_action.add_argument("--remove", action="store_true", help="delete the demo data only")
    demo.set_defaults(handler=_demo)

    app = subparsers.add_parser("app", help="start the practice app in your browser")
    app.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    app.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; see docs/deploy.md)",
    )
    app.set_defaults(handler=_app)


def _db_upgrade(args: argparse.Namespace) -> int:
    from coach.db.database import head_revision, open_database
    from coach.settings import load_settings

    db = open_database(load_settings())
    try:
        print(f"{db.location}: schema revision {db.revision()} (newest: {head_revision()})")
    finally:
        db.close()
    return 0


def _db_where(args: argparse.Namespace) -> int:
    from coach.services.data_io import data_location
    from coach.settings import load_settings

    settings = load_settings()
    print(f"data folder: {settings.data_dir}")
    print(f"database:    {data_location(settings)}")
    return 0


def _rescore(args: argparse.Namespace) -> int:
    from coach.db.database import open_database
    from coach.services.rescore import rescore_attempts
    from coach.settings import load_settings

    db = open_database(load_settings())
    try:
        result = rescore_attempts(db, only_outdated=not args.all)
    finally:
        db.close()
    print(
        f"rescored {result.rescored} of {result.considered} attempts "
        f"({result.changed} changed score, {result.failed} failed)"
    )
    return 1 if result.failed else 0


def _demo(args: argparse.Namespace) -> int:
    from coach.db.database import open_database
    from coach.services import demo
    from coach.services.users import local_learner
    from coach.settings import load_settings
    from question_bank import load_bank

    db = open_database(load_settings())
    try:
        user = local_learner(db)
        if args.remove:
            print(f"removed {demo.delete_demo(db, user)} demo attempts")
            return 0
        if demo.has_demo(db, user) and not args.reset:
            print("demo data is already loaded; `coach demo --reset` replaces it")
            return 0
        count = demo.load_demo(db, user, load_bank())
        print(f"loaded {count} demo attempts (marked as demo; `coach demo --remove` deletes them)")
    finally:
        db.close()
    return 0


def _app(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    entry = Path(__file__).resolve().parent.parent / "app.py"
    if not entry.is_file():
        raise CoachError(f"{entry} not found: run `coach app` from a source checkout")
    command = [sys.executable, "-m", "streamlit", "run", str(entry)]
    options = ["--server.port", str(args.port), "--server.address", args.address]
    os.execv(sys.executable, [*command, *options])  # noqa: S606 - replaces this process; no shell involved
    return 0  # pragma: no cover - execv does not return


REGISTRARS: list[Registrar] = [
    _register_scoring,
    _register_bank,
    _register_db,
    register_admin,
    register_reviews,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for register in REGISTRARS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; errors become a one-line message and exit code 1, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CoachError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, InputFileError) else 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
