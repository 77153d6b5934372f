"""The one door to an OpenAI-compatible endpoint: configuration, retries, a time budget, usage.

Every LLM feature (judge, interviewer, transcription) goes through :class:`LLMClient`, so they
share one retry policy: 429 (honouring ``retry-after``), 5xx, timeouts and dropped connections
are retried with backoff until the total time budget (``COACH_LLM_BUDGET_S``, default 20 s) is
spent; then :class:`LLMUnavailableError` says why, and the caller falls back to the rules.
Replies are validated against a pydantic model: structured outputs first, JSON mode plus the
same validation for servers that reject ``json_schema``, and one re-ask quoting the
validation error before giving up (never a default grade).
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import openai
from openai.lib._parsing import type_to_response_format_param
from pydantic import BaseModel, ValidationError

from coach.errors import LLMNotConfiguredError, LLMUnavailableError
from coach.services.templates import render
from coach.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
Mode = Literal["structured", "json"]
Message = dict[str, str]

BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 4.0
ERROR_TEXT_LIMIT = 300
# (base URL, model) pairs that rejected structured outputs: later clients go to JSON mode.
_JSON_MODE_ENDPOINTS: set[tuple[str | None, str]] = set()
# Estimated US$ per million (input, output) tokens; a model not listed (a local one) is unpriced.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5-mini": (0.25, 2.00),
}


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens and calls spent on one task (summed over retries and re-asks)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    latency_s: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.calls + other.calls,
            self.latency_s + other.latency_s,
        )

    def cost_usd(self, model: str) -> float | None:
        """Estimated cost at list prices; None for a model with no known price (e.g. local)."""
        price = PRICES_PER_MTOK.get(model)
        if price is None:
            return None
        return round(
            (self.prompt_tokens * price[0] + self.completion_tokens * price[1]) / 1_000_000, 6
        )

    def to_dict(self, model: str) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "calls": self.calls,
            "latency_s": round(self.latency_s, 3),
            "cost_usd": self.cost_usd(model),
        }


@dataclass(frozen=True, slots=True)
class StructuredReply(Generic[T]):
    """A validated reply, with the raw text and what it cost (kept for audit)."""

    value: T
    raw: str
    usage: Usage
    model: str
    mode: Mode


@dataclass(frozen=True, slots=True)
class Transcript:
    """What the transcription endpoint heard; segments carry (start_s, end_s, text) if known."""

    text: str
    duration_s: float | None = None
    segments: tuple[tuple[float, float, str], ...] = ()
    usage: Usage = field(default_factory=Usage)


class InvalidReply(ValueError):
    """A reply that does not satisfy the schema or the caller's own checks (grounding, ranges)."""


class LLMClient:
    """A configured OpenAI-compatible client with the app's retry policy and time budget."""

    def __init__(
        self,
        settings: Settings,
        *,
        budget_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.llm_configured:
            raise LLMNotConfiguredError("The AI interviewer")
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        # Local servers (Ollama, llama.cpp) need no key, but the client insists on one.
        self._client = openai.OpenAI(
            api_key=key or "not-needed",
            base_url=settings.openai_base_url,
            max_retries=0,  # retries are ours: they must fit in the total budget
            timeout=budget_s or settings.llm_budget_s,
        )
        self.model = settings.llm_model
        self.transcription_model = settings.transcription_model
        self.budget_s = budget_s or settings.llm_budget_s
        self._clock = clock
        self._sleep = sleep
        self._endpoint = (settings.openai_base_url, settings.llm_model)
        self._mode: Mode = "json" if self._endpoint in _JSON_MODE_ENDPOINTS else "structured"

    # --- chat with a validated reply ----------------------------------------------------------

    def structured(
        self,
        messages: Sequence[Message],
        schema: type[T],
        *,
        check: Callable[[T], None] | None = None,
    ) -> StructuredReply[T]:
        """Ask for a reply matching ``schema``; ``check`` may raise InvalidReply to reject it.

        Raises:
            LLMUnavailableError: no valid reply within the budget (after one re-ask).
        """
        deadline = self._clock() + self.budget_s
        usage = Usage()
        conversation = list(messages)
        reasked = False
        while True:
            try:
                raw, spent = self._with_retries(
                    functools.partial(self._ask, conversation, schema), deadline
                )
            except openai.BadRequestError as error:
                if self._mode == "json":
                    raise LLMUnavailableError(
                        1, f"the endpoint rejected the request: {_short(error)}"
                    ) from error
                # This model or server has no structured outputs: JSON mode plus validation.
                logger.info("Structured outputs rejected (%s); using JSON mode", _short(error))
                self._mode = "json"
                _JSON_MODE_ENDPOINTS.add(self._endpoint)  # remembered for this process
                continue
            usage = usage + spent
            try:
                value = schema.model_validate_json(_json_text(raw))
                if check is not None:
                    check(value)
            except (ValidationError, InvalidReply) as error:
                if reasked:
                    raise LLMUnavailableError(
                        usage.calls, f"invalid reply: {_short(error)}"
                    ) from error
                reasked = True
                conversation = [
                    *messages,
                    {"role": "assistant", "content": raw[:4000]},
                    {"role": "user", "content": render("reask.md", error=_short(error))},
                ]
                continue
            return StructuredReply(value, raw, usage, self.model, self._mode)

    def _ask(
        self, messages: list[Message], schema: type[BaseModel], timeout: float
    ) -> tuple[str, Usage]:
        started = self._clock()
        if self._mode == "structured":
            # The same json_schema request ``chat.completions.parse`` sends; the reply is
            # validated here instead, so an invalid one keeps its raw text for the re-ask.
            response_format: Any = type_to_response_format_param(schema)
            request = messages
        else:
            response_format = {"type": "json_object"}
            request = _with_json_instruction(messages, schema)
        completion = self._client.chat.completions.create(
            model=self.model,
            messages=request,  # type: ignore[arg-type]
            response_format=response_format,
            temperature=0,
            timeout=timeout,
        )
        spent = _usage(completion, self._clock() - started)
        choice = completion.choices[0]
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            raise LLMUnavailableError(1, f"the model refused: {refusal[:ERROR_TEXT_LIMIT]}")
        if choice.finish_reason == "length":
            return _truncated(choice.message.content), spent
        return choice.message.content or "", spent

    # --- transcription -------------------------------------------------------------------------

    def transcribe(self, audio: bytes, *, filename: str, mime: str) -> Transcript:
        """Transcribe a recording (with segment timestamps when the server gives them)."""
        deadline = self._clock() + max(self.budget_s, 60.0)  # audio takes longer than a verdict

        def call(timeout: float) -> tuple[Any, Usage]:
            started = self._clock()
            result = self._client.audio.transcriptions.create(
                model=self.transcription_model,
                file=(filename, audio, mime),
                response_format="verbose_json",
                timeout=timeout,
            )
            return result, Usage(calls=1, latency_s=self._clock() - started)

        result, usage = self._with_retries(call, deadline)
        segments = tuple(
            (float(_get(s, "start", 0.0)), float(_get(s, "end", 0.0)), str(_get(s, "text", "")))
            for s in (_get(result, "segments", None) or ())
        )
        duration = _get(result, "duration", None)
        text = result if isinstance(result, str) else _get(result, "text", "")
        return Transcript(
            text=str(text or "").strip(),
            duration_s=float(duration) if duration is not None else None,
            segments=segments,
            usage=usage,
        )

    # --- retries -------------------------------------------------------------------------------

    def _with_retries(self, call: Callable[[float], Any], deadline: float) -> Any:
        """Run ``call(timeout)``, retrying transient failures until ``deadline``."""
        attempts = 0
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise LLMUnavailableError(attempts, "the time budget was used up")
            attempts += 1
            try:
                return call(remaining)
            except openai.RateLimitError as error:
                reason = "rate limited (429)"
                wait = _retry_after(error) or _backoff(attempts)
            except openai.APITimeoutError:
                reason, wait = "the request timed out", 0.0
            except openai.APIConnectionError:
                reason, wait = "the endpoint cannot be reached", _backoff(attempts)
            except openai.InternalServerError as error:
                reason, wait = f"server error {error.status_code}", _backoff(attempts)
            except openai.APIStatusError as error:
                if error.status_code == 400:
                    raise  # the caller decides (e.g. JSON mode instead of structured outputs)
                raise LLMUnavailableError(
                    attempts, f"the endpoint said {error.status_code}: {_short(error)}"
                ) from error
            logger.info("LLM call %d failed: %s", attempts, reason)
            if self._clock() + wait >= deadline:
                raise LLMUnavailableError(attempts, f"{reason}; the time budget was used up")
            self._sleep(wait)


# --- helpers ---------------------------------------------------------------------------------


def _backoff(attempt: int) -> float:
    return min(BACKOFF_FIRST_S * 2 ** (attempt - 1), BACKOFF_MAX_S)


def _retry_after(error: openai.APIStatusError) -> float | None:
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) * scale, 0.0)
        except ValueError:
            continue
    return None


def _short(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= ERROR_TEXT_LIMIT else text[: ERROR_TEXT_LIMIT - 3] + "..."


def _usage(completion: Any, latency_s: float) -> Usage:
    usage = getattr(completion, "usage", None)
    return Usage(
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        calls=1,
        latency_s=latency_s,
    )


def _truncated(content: str | None) -> str:
    # A cut-off reply is invalid by definition: make sure validation says so.
    return (content or "") + "\u0000<truncated: the reply hit the token limit>"


def _json_text(raw: str) -> str:
    """The JSON inside a reply (JSON-mode servers sometimes wrap it in a Markdown fence)."""
    text = raw.strip()
    if text.startswith("```"):
        text = text.strip("`")
        text = text[text.find("\n") + 1 :] if "\n" in text else text
    return text


def _with_json_instruction(messages: list[Message], schema: type[BaseModel]) -> list[Message]:
    instruction = render(
        "json_mode.md", schema=json.dumps(schema.model_json_schema(), separators=(",", ":"))
    )
    first, *rest = messages
    return [{"role": first["role"], "content": f"{first['content']}\n\n{instruction}"}, *rest]


def _get(item: Any, name: str, default: Any) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)
