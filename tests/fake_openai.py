"""A fake OpenAI-compatible HTTP server on 127.0.0.1 (a real socket) for the LLM tests.

HTTP mocking libraries do not intercept openai 3.x (it uses httpx2), so the tests talk to this
server through the real client. Each route (``chat``, ``audio``) has a queue of scripted
replies; when a queue is empty the route's default responder answers (by default a judge that
quotes the answer it was sent, an interviewer asking one follow-up, and a fixed transcript).
Every request is recorded for assertions on message layout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER_BLOCK = re.compile(r"<answer>\n(.*)\n</answer>", re.DOTALL)
FAKE_TRANSCRIPT = (
    "Um, so the user is night-shift nurses, basically, and like the problem is handover notes "
    "take forty minutes. Success means handover time per patient falls from six to three "
    "minutes."
)


@dataclass
class Reply:
    """One scripted HTTP reply: a JSON body (dict) or raw text, with optional delay."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.raw)

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.json["messages"]


def chat_reply(
    content: str,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 900,
    completion_tokens: int = 250,
    refusal: str | None = None,
) -> Reply:
    """A chat.completion whose message content is ``content``."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message = {"role": "assistant", "content": None, "refusal": refusal}
    return Reply(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "fake-judge",
            "choices": [{"index": 0, "finish_reason": finish_reason, "message": message}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def error_reply(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status=status,
        body={"error": {"message": message, "type": "fake_error", "code": None}},
        headers=headers or {},
    )


def answer_in(request: Request) -> str:
    """The candidate's text the app put between the answer markers of the last message."""
    match = ANSWER_BLOCK.search(request.messages[-1]["content"])
    return match.group(1) if match else ""


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def verdict(
    *,
    elements: list[dict[str, Any]] | None = None,
    flags: list[dict[str, Any]] | None = None,
    dimensions: list[dict[str, Any]] | None = None,
    overall: int = 70,
    summary: str = "Clear framing; add a guardrail metric.",
) -> dict[str, Any]:
    """A judge verdict in the app's schema, with neutral defaults."""
    return {
        "elements": elements or [],
        "flags": flags or [],
        "dimensions": dimensions
        or [
            {"dimension": name, "score": 60, "reason": "Adequate.", "quotes": []}
            for name in ("framing", "metrics", "ai_evaluation", "solution", "communication")
        ],
        "overall": overall,
        "summary": summary,
    }


def grounded_judge(request: Request) -> Reply:
    """A well-behaved judge: quotes the answer's first sentence as evidence of a user."""
    if "follow-up question" in request.messages[0]["content"]:
        return chat_reply(
            json.dumps({"question": "How would you know it worked?", "targets": "metrics"})
        )
    opening = first_sentence(answer_in(request))
    return chat_reply(
        json.dumps(
            verdict(
                elements=[{"element": "who", "present": True, "quotes": [opening]}],
                flags=[{"rule_id": "missing-metrics", "quote": opening, "reason": "No metric."}],
                dimensions=[
                    {
                        "dimension": "framing",
                        "score": 72,
                        "reason": "Names the user.",
                        "quotes": [opening],
                    },
                    {"dimension": "metrics", "score": 15, "reason": "No metric.", "quotes": []},
                    {
                        "dimension": "communication",
                        "score": 65,
                        "reason": "Clear.",
                        "quotes": [opening],
                    },
                ],
                overall=58,
            )
        )
    )


def transcriber(_request: Request) -> Reply:
    return Reply(
        body={
            "text": FAKE_TRANSCRIPT,
            "duration": 12.0,
            "segments": [
                {"id": 0, "start": 0.0, "end": 4.0, "text": FAKE_TRANSCRIPT[:60]},
                {"id": 1, "start": 7.5, "end": 12.0, "text": FAKE_TRANSCRIPT[60:]},
            ],
        }
    )


class FakeOpenAI:
    """The server: ``url`` for ``OPENAI_BASE_URL``, ``push(route, ...)`` to script replies."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.queues: dict[str, deque[Reply]] = {"chat": deque(), "audio": deque()}
        self.defaults: dict[str, Callable[[Request], Reply]] = {
            "chat": grounded_judge,
            "audio": transcriber,
        }
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Request(self.path, dict(self.headers), self.rfile.read(length))
                route = "audio" if "/audio/" in self.path else "chat"
                with fake._lock:
                    fake.requests.append(request)
                    queued = fake.queues[route].popleft() if fake.queues[route] else None
                reply = queued or fake.defaults[route](request)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = body.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (a timeout test): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, route: str, *replies: Reply) -> None:
        with self._lock:
            self.queues[route].extend(replies)

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if "/chat/" in r.path]

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_fake() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
