"""The spoken-transcript chunker: every cue's examples cut where their ``|`` marks say."""

from __future__ import annotations

import doctest

import pytest

from scoring import PromptSpec, analyze, spoken
from scoring.context import segment_text
from scoring.text import tokenize

# Cues declared together share their examples: each example is checked once.
EXAMPLES = sorted({example for cue in spoken.CUES for example in cue.examples})


def said_chunks(transcript: str) -> list[str]:
    """The transcript's chunks as text; a symbol between two chunks ("%") goes with the next."""
    tokens = tokenize(transcript)
    chunks = spoken.chunk_spoken(transcript, tokens)
    ends = [tokens[c.last - 1].end for c in chunks[:-1]] + [len(transcript)]
    return [transcript[a:b].strip() for a, b in zip([0, *ends], ends, strict=False)]


def test_every_cue_has_an_example_that_says_it() -> None:
    for cue in spoken.CUES:
        assert cue.examples, f"{cue.phrase!r} has no example"
        assert any(
            f" {cue.phrase} " in f" {example.replace('|', ' ')} ".replace("  ", " ")
            for example in cue.examples
        ), f"no example of {cue.phrase!r} says it"


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_cue_examples_cut_where_marked(example: str) -> None:
    expected = [part.strip() for part in example.split("|")]
    transcript = " ".join(expected)
    assert said_chunks(transcript) == expected, transcript


@pytest.mark.parametrize(
    "sentence",
    [
        # Heading words inside running speech are not labels.
        "the problem is that night nurses lose forty minutes at every handover",
        "we track the success rate of first time fixes for every technician",
        "i would build a fix for the nurses who work nights on the ward",
        "that's why the users want a dashboard with their attrition risk every week",
        "the junior tech calls a senior tech before ordering parts for the unit",
        "let me fix the segment first because delivery drivers covers everyone",
        "users want a dashboard and our customers keep asking for one every week",
        "before i answer can i ask who the company's main customer is and the budget",
    ],
)
def test_heading_words_in_running_speech_are_not_labels(sentence: str) -> None:
    tokens = tokenize(sentence)
    kinds = [c.kind for c in spoken.chunk_spoken(sentence, tokens)]
    assert "label" not in kinds, said_chunks(sentence)


def test_only_unpunctuated_text_is_chunked_as_speech() -> None:
    written = (
        "Problem: when they hit an unfamiliar fault code they call a senior tech. Success: first "
        "time fix rate. Solution: a diagnostic assistant."
    )
    said = written.lower().replace(":", "").replace(".", "")
    assert not spoken.is_unpunctuated(written, tokenize(written))
    assert spoken.is_unpunctuated(said, tokenize(said))
    assert all(s.kind == "sentence" for s in segment_text(written, tokenize(written)))
    kinds = [s.kind for s in segment_text(said, tokenize(said))]
    assert kinds.count("label") == 3


def test_short_or_laid_out_text_is_not_speech() -> None:
    for text in ("user nurses problem handovers", "user nurses\nproblem handovers take forty min"):
        assert not spoken.is_unpunctuated(text, tokenize(text))


def test_a_said_heading_counts_like_a_written_one() -> None:
    prompt = PromptSpec.from_text("Design an AI feature for a field-service company.")
    written = (
        "Problem: when junior technicians hit an unfamiliar fault code, they call a senior tech "
        "who is often on another job.\nSuccess: first-time fix rate for junior technicians.\n"
        "Solution: a diagnostic assistant on their phone."
    )
    said = (
        "problem when junior technicians hit an unfamiliar fault code they call a senior tech "
        "who is often on another job success first time fix rate for junior technicians "
        "solution a diagnostic assistant on their phone"
    )
    for element in ("why", "metrics", "solution"):
        assert analyze(written, prompt).coverage[element].present, element
        assert analyze(said, prompt).coverage[element].present, element


def test_a_said_heading_question_is_a_question() -> None:
    said = "okay so who is it for tier one support agents because they answer the same questions"
    segments = segment_text(said, tokenize(said))
    assert [s.kind for s in segments][:3] == ["clause", "question", "clause"]


def test_the_module_examples_hold() -> None:
    results = doctest.testmod(spoken)
    assert results.attempted >= 3
    assert results.failed == 0


PROMPT = PromptSpec.from_text("Design an AI feature for a home-care agency.")


@pytest.mark.parametrize(
    ("element", "labelled", "said"),
    [
        (
            "eval_criteria",
            "Eval: nurses grade 200 drafted visit notes against the chart.",
            "The eval is nurses grade 200 drafted visit notes against the chart.",
        ),
        (
            "metrics",
            "Metrics:\n- minutes from visit to signed note\n- notes signed per shift",
            "As for the metrics, minutes from visit to signed note. Notes signed per shift.",
        ),
        (
            "metrics",
            "North star: notes signed the same day; minutes of documentation per visit.",
            "The north star is notes signed the same day; minutes of documentation per visit.",
        ),
        (
            "who",
            "Persona: Aisha, a first-generation freshman who works 25 hours a week.",
            "The persona is Aisha, a first-generation freshman who works 25 hours a week.",
        ),
    ],
)
def test_a_heading_said_as_a_sentence_counts_like_the_label(
    element: str, labelled: str, said: str
) -> None:
    assert analyze(labelled, PROMPT).coverage[element].present, labelled
    assert analyze(said, PROMPT).coverage[element].present, said


def test_the_problem_said_as_a_sentence_is_not_a_heading() -> None:
    # "The problem is we need revenue" states the company's goal, not a user's problem.
    answer = "The problem is we need to increase ARR and reduce churn. I'd build AI lead scoring."
    assert not analyze(answer, PROMPT).coverage["why"].present


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("the eval is vets grade 300 answers", {"eval"}),
        ("our core pain is lost notes", {"pain"}),
        ("the north star is notes signed the same day", {"north"}),
        ("the success is weekly active teams", {"success"}),
        ("as for the metrics minutes per note", {"metrics"}),
        # Sentences that open with a heading word but say something else.
        ("the problem is we need revenue", None),
        ("our users are digital natives who live on their phones", None),
        ("success will be measured by adoption across cities", None),
        ("ultimately the goal is a chatbot that delivers value", None),
        ("the target is near zero", None),
        ("the solution", None),
    ],
)
def test_said_headings(sentence: str, names: set[str] | None) -> None:
    said = spoken.said_heading(sentence.split())
    assert (said.names if said else None) == names, sentence
