"""Load and validate the built-in bank plus custom banks, reporting every problem with its line."""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from question_bank.bank import Bank, CategoryInfo
from question_bank.checks import Entry, duplicate_id_problems, make_entry, near_duplicate_problems
from question_bank.formats import CSV_COLUMNS, CSV_OPTIONAL_COLUMNS, row_to_data
from question_bank.problems import BankValidationError, Location, Problem
from question_bank.schema import CategoryFile, OutlineStep, Prompt, consistency_problems

BUILTIN_DIR = Path(__file__).resolve().parent
BANK_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".csv")

# Limits that stop a hostile file before it costs time or memory. The biggest built-in file
# is ~40 kB and ~3,000 YAML values; aliases can make a 1 kB file expand to billions of values
# ("billion laughs"), and deep nesting overflows the stack of any recursive builder.
MAX_FILE_BYTES = 2_000_000
MAX_YAML_VALUES = 250_000
MAX_YAML_DEPTH = 64

# libyaml is ~20x faster than the pure-Python parser and keeps the node marks we need.
_YamlLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Rules the loader checks on the raw data itself (so they are reported even when other fields
# are broken); the models' copies of these errors would only repeat them.
_RAW_CHECKED = frozenset({"prompt_consistency", "prompt_category"})
Loc = tuple[int | str, ...]


def builtin_paths() -> list[Path]:
    """Return the built-in category files, sorted by name."""
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def bank_files(path: Path) -> list[Path]:
    """Return the bank files a path names: the file itself, or a folder's bank files by name."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in BANK_SUFFIXES)
    return [path]


def load_bank(extra: Sequence[Path] = (), *, builtin: bool = True) -> Bank:
    """Load the built-in bank (unless ``builtin=False``) plus custom bank files or folders.

    Files inside the package folder are held to the built-in rules (``category`` equals the
    file name) wherever they are named from; a file named twice is read once.

    Raises:
        BankValidationError: with every problem found, each as
            ``path:line: prompt 'id': field: message``.
    """
    paths: list[Path] = builtin_paths() if builtin else []
    empty_folders = _FileResult()
    for path in map(Path, extra):
        files = bank_files(path)
        if not files:
            empty_folders.problems.append(
                Problem(Location(path, None), "no bank files (.yaml, .yml, .csv) in this folder")
            )
        paths.extend(files)
    unique: dict[Path, Path] = {}
    for path in paths:
        unique.setdefault(path.resolve(), path)
    results = [
        _read(path, builtin=resolved.parent == BUILTIN_DIR) for resolved, path in unique.items()
    ]
    order = {path: i for i, path in enumerate(unique.values())}
    return _assemble([empty_folders, *results], order=order)


@dataclass
class _FileResult:
    """What one file contributed: validated prompts, categories, raw entries and problems."""

    prompts: list[tuple[Prompt, Location]] = field(default_factory=list)
    categories: list[CategoryInfo] = field(default_factory=list)
    untitled: list[str] = field(default_factory=list)  # CSV categories given no title
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _assemble(results: list[_FileResult], order: dict[Path, int]) -> Bank:
    problems = [problem for result in results for problem in result.problems]
    entries = [entry for result in results for entry in result.entries]
    problems += duplicate_id_problems(entries)
    problems += near_duplicate_problems(entries)
    if problems:
        problems.sort(key=lambda p: (order.get(p.location.path, len(order)), p.location.line or 0))
        raise BankValidationError(problems)
    infos: dict[str, CategoryInfo] = {}
    for result in results:
        for info in result.categories:
            infos.setdefault(info.slug, info)
    for result in results:
        for slug in result.untitled:
            infos.setdefault(slug, CategoryInfo(slug, slug.replace("-", " ").capitalize(), ""))
    prompts = [prompt for result in results for prompt, _ in result.prompts]
    sources = {prompt.id: location for result in results for prompt, location in result.prompts}
    return Bank(prompts, list(infos.values()), sources)


def _read(path: Path, *, builtin: bool) -> _FileResult:
    result = _FileResult()
    suffix = path.suffix.lower()
    if suffix not in BANK_SUFFIXES:
        result.problems.append(
            Problem(Location(path, None), "not a bank file: use .yaml, .yml or .csv")
        )
        return result
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            result.problems.append(
                Problem(
                    Location(path, None),
                    f"file is {size:,} bytes; a bank file may hold at most {MAX_FILE_BYTES:,} "
                    "(split it into several files)",
                )
            )
            return result
        raw = path.read_bytes()
    except OSError as error:
        reason = "file not found" if isinstance(error, FileNotFoundError) else error.strerror
        result.problems.append(Problem(Location(path, None), f"cannot read: {reason}"))
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        result.problems.append(
            Problem(Location(path, line), "not UTF-8 text; save the file as UTF-8")
        )
        return result
    if suffix == ".csv":
        _read_csv(path, text, result)
    else:
        _read_yaml(path, text, result, builtin=builtin)
    return result


# --- YAML ------------------------------------------------------------------------------------


def _read_yaml(path: Path, text: str, result: _FileResult, *, builtin: bool) -> None:
    try:
        documents = list(_documents(text))
    except yaml.MarkedYAMLError as error:
        result.problems.append(_syntax_problem(path, error))
        return
    except _TooBigError as error:
        result.problems.append(Problem(Location(path, error.line), str(error)))
        return
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        result.problems.append(Problem(Location(path, None), f"YAML error: {error}"))
        return
    if not documents:
        result.problems.append(
            Problem(
                Location(path, 1),
                "file is empty; expected category, title, description and prompts",
            )
        )
    for node, data, repeated in documents:
        _check_document(path, node, data, repeated, result, builtin=builtin)


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    mark, context_mark = error.problem_mark or error.context_mark, error.context_mark
    message = "YAML syntax error"
    if mark:
        message += f" at column {mark.column + 1}"
    message += f": {error.problem or error.context or 'unreadable'}"
    if error.context and error.problem:
        message += f", {error.context}"
        if context_mark and mark and context_mark.line != mark.line:
            message += f" at line {context_mark.line + 1}"
    return Problem(Location(path, mark.line + 1 if mark else None), message)


def _documents(text: str) -> Iterator[tuple[Node, Any, list[tuple[Loc, int]]]]:
    """Yield each document's node tree, its Python value and the locations of repeated keys."""
    loader = _YamlLoader(text)
    merges = "<<" in text  # merge keys are rare: skip looking for them when they cannot occur
    try:
        while loader.check_node():
            node = loader.get_node()
            _check_size(node)  # before building: an alias bomb is a small node graph
            yield node, *_build(node, loader, merges=merges)
    finally:
        loader.dispose()


class _TooBigError(Exception):
    """A document expands past MAX_YAML_VALUES or nests deeper than MAX_YAML_DEPTH."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1


def _check_size(root: Node) -> None:
    """Count the values a document expands to (an alias counts its target again) in one pass
    over the node graph, without building anything.

    Raises:
        _TooBigError: at the first node whose expansion passes the limit.
    """
    sizes: dict[int, int] = {}  # node id -> expanded size; aliases share the node object
    active: set[int] = set()
    aliased = False

    def size(node: Node, depth: int) -> int:
        nonlocal aliased
        key = id(node)
        if key in sizes:
            aliased = True
            return sizes[key]
        if depth > MAX_YAML_DEPTH:
            raise _TooBigError(
                node,
                f"too deep: values nested more than {MAX_YAML_DEPTH} levels "
                "(a bank file needs about 5)",
            )
        if isinstance(node, ScalarNode) or key in active:
            return 1  # a cycle is reported by the builder ("an alias refers to itself")
        children = (
            node.value
            if isinstance(node, SequenceNode)
            else [p for pair in node.value for p in pair]
        )
        active.add(key)
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_YAML_VALUES:
                what = "aliases expand this file to" if aliased else "this file has"
                remedy = "use fewer aliases or split the file" if aliased else "split the file"
                raise _TooBigError(
                    node,
                    f"too big: {what} more than {MAX_YAML_VALUES:,} values "
                    f"(a bank file needs a few thousand); {remedy}",
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map"))
_MERGE = "tag:yaml.org,2002:merge"


def _build(root: Node, loader: Any, *, merges: bool) -> tuple[Any, list[tuple[Loc, int]]]:
    """Build the Python value of a document, noting repeated mapping keys on the way.

    Does what SafeConstructor does for strings, lists and mappings at a fraction of its cost
    (it dominated load time) and hands every other tag (numbers, booleans, ...) to it.
    """
    repeated: list[tuple[Loc, int]] = []
    active: set[int] = set()  # containers being built: an alias to one of them is a cycle
    construct = loader.construct_object

    def value(node: Node, loc: Loc) -> Any:
        # Plain strings are most nodes; handling them inline halves the calls.
        if node.__class__ is ScalarNode and node.tag == _STR:
            return node.value
        return build(node, loc)

    def build(node: Node, loc: Loc) -> Any:
        if isinstance(node, ScalarNode):
            return construct(node, deep=True)
        if id(node) in active:
            raise yaml.constructor.ConstructorError(
                None, None, "an alias refers to itself", node.start_mark
            )
        if isinstance(node, SequenceNode) and node.tag == _SEQ:
            active.add(id(node))
            items = [value(item, (*loc, index)) for index, item in enumerate(node.value)]
            active.discard(id(node))
            return items
        if (
            isinstance(node, MappingNode)
            and node.tag == _MAP
            and not (merges and any(key.tag == _MERGE for key, _ in node.value))
        ):
            active.add(id(node))
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = value(key_node, loc)
                try:
                    if key in mapping:
                        repeated.append(((*loc, key), key_node.start_mark.line + 1))
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be a plain value", key_node.start_mark
                    ) from None
                mapping[key] = value(value_node, (*loc, key))
            active.discard(id(node))
            return mapping
        return construct(node, deep=True)

    return value(root, ()), repeated


def _check_document(
    path: Path,
    root: Node,
    data: Any,
    repeated: list[tuple[Loc, int]],
    result: _FileResult,
    *,
    builtin: bool,
) -> None:
    def at(loc: Loc) -> Location:
        return Location(path, _line(root, loc))

    if not isinstance(data, dict):
        result.problems.append(
            Problem(
                at(()),
                "a category file must be a mapping with category, title, description and prompts",
            )
        )
        return
    category = data.get("category")
    if builtin and isinstance(category, str) and category != path.stem:
        result.problems.append(
            Problem(
                at(("category",)),
                f"must equal the file name {path.stem!r}, got {category!r}",
                field="category",
            )
        )
    raw_prompts = data.get("prompts")
    raw_prompts = raw_prompts if isinstance(raw_prompts, list) else []
    labels = [_label(raw, index) for index, raw in enumerate(raw_prompts)]
    for index, raw in enumerate(raw_prompts):
        loc: Loc = ("prompts", index)
        result.entries.append(
            make_entry(
                raw.get("id") if isinstance(raw, dict) else None,
                raw.get("text") if isinstance(raw, dict) else None,
                at(loc),
                labels[index],
                builtin=builtin,
            )
        )
        if not isinstance(raw, dict):
            continue
        if "category" in raw:
            result.problems.append(
                Problem(
                    at((*loc, "category")),
                    "set once at the top of the file, not per prompt",
                    labels[index],
                    "category",
                )
            )
        for name, message in _raw_consistency(category, raw):
            result.problems.append(Problem(at((*loc, name)), message, labels[index], name))

    for loc, line in repeated:
        label, name = _describe(loc, labels)
        result.problems.append(
            Problem(
                Location(path, line), "duplicate key; YAML keeps only the last value", label, name
            )
        )

    try:
        model = CategoryFile.model_validate(data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            if detail["type"] in _RAW_CHECKED:
                continue
            if len(loc) == 3 and loc[0] == "prompts" and loc[2] == "category":
                continue  # the file's category, already reported once at the top
            label, name = _describe(loc, labels)
            result.problems.append(
                Problem(at(loc), _message(detail, _model_at(loc, CategoryFile)), label, name)
            )
        return
    result.categories.append(CategoryInfo(model.category, model.title, model.description))
    result.prompts.extend(
        (prompt, at(("prompts", index))) for index, prompt in enumerate(model.prompts)
    )


def _line(root: Node, loc: Loc) -> int:
    """Return the 1-based line of the deepest node along ``loc`` (a key's own line if named)."""
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value == part:
                    node, line = value, key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(path: Path, text: str, result: _FileResult) -> None:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    if not any(header):
        result.problems.append(
            Problem(
                Location(path, 1), f"file is empty; expected a header row: {','.join(CSV_COLUMNS)}"
            )
        )
        return
    known = (*CSV_COLUMNS, *CSV_OPTIONAL_COLUMNS)
    for name in header:
        if name not in known:
            result.problems.append(
                Problem(Location(path, 1), _unknown(name, known, "column"), field=name)
            )
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        # Every row would repeat the same complaint; say it once and stop.
        result.problems.append(
            Problem(Location(path, 1), f"missing column(s): {', '.join(missing)}")
        )
        return

    titles: dict[str, tuple[str, str]] = {}
    untitled: list[str] = []
    index = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.problems.append(Problem(Location(path, reader.line_num), f"CSV error: {error}"))
            break
        if not any(cell.strip() for cell in cells):
            continue
        where = Location(path, line)
        label = _label(
            {"id": cells[header.index("id")]} if len(cells) > header.index("id") else {}, index
        )
        index += 1
        if len(cells) > len(header):
            result.problems.append(
                Problem(
                    where, f"row has {len(cells)} cells but the header has {len(header)}", label
                )
            )
        row = dict(zip(header, cells, strict=False))
        data, format_problems = row_to_data(row)
        result.problems.extend(
            Problem(where, message, label, name) for name, message in format_problems
        )
        result.entries.append(
            make_entry(data.get("id"), data.get("text"), where, label, builtin=False)
        )
        for name, message in _raw_consistency(data.get("category"), data):
            result.problems.append(Problem(where, message, label, name))
        try:
            prompt = Prompt.model_validate(data)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                if detail["type"] not in _RAW_CHECKED:
                    loc = tuple(detail["loc"])
                    result.problems.append(
                        Problem(where, _message(detail, _model_at(loc, Prompt)), label, _field(loc))
                    )
            continue
        result.prompts.append((prompt, where))
        title = (row.get("category_title") or "").strip()
        if title:
            description = (row.get("category_description") or "").strip()
            titles.setdefault(prompt.category, (title, description))
        elif prompt.category not in untitled:
            untitled.append(prompt.category)
    result.categories.extend(CategoryInfo(slug, t, d) for slug, (t, d) in titles.items())
    result.untitled.extend(slug for slug in untitled if slug not in titles)


# --- turning raw data and pydantic errors into problems --------------------------------------


def _raw_consistency(category: Any, raw: dict[str, Any]) -> list[tuple[str, str]]:
    expects = raw.get("expects")
    outline = raw.get("outline")
    moves = (
        [step.get("move") for step in outline if isinstance(step, dict)]
        if isinstance(outline, list) and outline
        else None
    )
    return consistency_problems(category, _list(expects), moves)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _label(raw: Any, index: int) -> str:
    prompt_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(prompt_id, str) and prompt_id.strip():
        return f"prompt {prompt_id.strip()!r}"
    return f"prompt #{index + 1}"


def _describe(loc: Loc, labels: list[str]) -> tuple[str | None, str | None]:
    """Split a location into the prompt it is in (if any) and a readable field path."""
    if len(loc) >= 2 and loc[0] == "prompts" and isinstance(loc[1], int) and loc[1] < len(labels):
        return labels[loc[1]], _field(loc[2:])
    return None, _field(loc)


def _field(loc: Iterable[int | str]) -> str | None:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or None


def _model_at(loc: Loc, top: type[BaseModel]) -> type[BaseModel]:
    """Return the model whose fields apply at ``loc`` (for 'unknown field' suggestions)."""
    model = top
    for part in loc[:-1]:
        if model is CategoryFile and part == "prompts":
            model = Prompt
        elif model is Prompt and part == "outline":
            model = OutlineStep
    return model


def _unknown(name: str, allowed: Sequence[str], what: str) -> str:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown {what} (did you mean {close[0]!r}?)"
    return f"unknown {what}; allowed: {', '.join(allowed)}"


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return repr(value)


def _unquote(value: Any) -> str:
    return " (write numbers without quotes)" if isinstance(value, str) and value.isdigit() else ""


def _message(detail: Any, model: type[BaseModel]) -> str:
    """Return a mentor-readable message for one pydantic error."""
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    value = detail.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = [
            name for name in model.model_fields if not (model is Prompt and name == "category")
        ]
        return _unknown(str(detail["loc"][-1]), allowed, "field")
    if kind == "too_short":
        return f"at least {ctx['min_length']} required"
    if kind == "too_long":
        return f"at most {ctx['max_length']} allowed"
    if kind == "string_too_short":
        return f"must be at least {ctx['min_length']} characters long"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long, got {len(value)}"
    if kind == "string_type":
        return f"must be text, got {_shown(value)}"
    if kind == "int_type":
        return f"must be a whole number, got {_shown(value)}{_unquote(value)}"
    if kind == "list_type":
        return f"must be a list, got {_shown(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of field: value pairs, got {_shown(value)}"
    if kind == "literal_error":
        return f"must be {ctx['expected']}, got {_shown(value)}{_unquote(value)}"
    message = str(detail["msg"])
    return message.removeprefix("Value error, ")
