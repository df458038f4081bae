"""A small real HTTP server speaking the OpenAI chat-completions protocol, for the model pass's
tests: it answers scripted replies in order and records every request it received.

A reply is ``chat(content)`` (a 200 chat completion whose message is ``content``), ``status(code,
body)`` (an HTTP error), or ``BLOCK`` (no answer until the test ends: the server waits on an
Event, so the client's timeout is what ends the call; no fixed sleep anywhere).
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    block: bool = False


def chat(content: str | dict[str, Any]) -> Reply:
    """A chat completion whose first choice's message is ``content`` (a dict is sent as JSON)."""
    text = content if isinstance(content, str) else json.dumps(content)
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }
    return Reply(200, json.dumps(body).encode())


def status(code: int, body: str = "") -> Reply:
    return Reply(code, body.encode())


BLOCK = Reply(0, b"", block=True)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ChatServer:
    server: ThreadingHTTPServer
    replies: list[Reply] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def host(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)


def _handler(state: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # readiness probe
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            state.received.append(
                Received(self.path, dict(self.headers.items()), json.loads(raw or b"{}"))
            )
            reply = state.replies.pop(0) if state.replies else status(500, "no reply scripted")
            if reply.block:
                state.release.wait(30)  # released at teardown; the client gave up long before
                return
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:  # the client went away
                pass

    return Handler


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A chat-completions server on a free local port, answering once it is ready."""
    state = ChatServer(server=None)  # type: ignore[arg-type]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.server = server
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    with urllib.request.urlopen(f"{state.url}/health", timeout=10) as response:  # noqa: S310
        assert response.status == 200
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(10)
