"""A small OpenAI chat-completions client (standard library only) and the in-process model.

``complete(config, messages)`` sends chat messages to the configured model and returns the text
of its answer, or raises ``ModelError`` with the reason in words: the endpoint unreachable, an
HTTP error, no answer within the timeout, an answer that is not a chat completion, or
llama-cpp-python missing. Nothing else escapes, so a caller can always fall back.
"""

from __future__ import annotations

import importlib
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from accountplan.drafts.model_config import ModelConfig, api_key

#: Answers longer than this are refused (a draft's JSON is a few kilobytes).
MAX_ANSWER_BYTES = 2 * 1024 * 1024
#: Context window asked of an in-process model (a plan's facts and sentences fit in it).
IN_PROCESS_CONTEXT = 8192

Message = dict[str, str]


class ModelError(Exception):
    """The model gave no usable answer; ``reason`` says why, for the user and the stored draft."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """The text the model answered and how long it took."""

    text: str
    elapsed_ms: int


def complete(config: ModelConfig, messages: list[Message]) -> Answer:
    """Ask the configured model (an endpoint or the in-process model) for a JSON answer."""
    problem = config.problem()
    if problem:
        raise ModelError(problem)
    started = time.monotonic()
    if config.kind == "endpoint":
        text = _endpoint(config, messages)
    elif config.kind == "in_process":
        text = _in_process(config, messages)
    else:
        raise ModelError("No drafting model is configured.")
    return Answer(text=text, elapsed_ms=round((time.monotonic() - started) * 1000))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is refused: the draft's data goes to the configured host or nowhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


#: A remote endpoint is reached through the environment's proxy (HTTPS_PROXY…) if any; a model on
#: this machine never is, so its data cannot leave the machine through a proxy.
_OPENER = urllib.request.build_opener(_NoRedirect)
_LOCAL_OPENER = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))


def _endpoint(config: ModelConfig, messages: list[Message]) -> str:
    body: dict[str, Any] = {
        "model": config.model,
        "messages": messages,
        "temperature": config.temperature,
        "stream": False,
        "response_format": {"type": "json_object"},
    }
    try:
        return _post(config, body)
    except _RefusedJsonMode:
        # An endpoint without JSON mode (older servers): the prompt asks for JSON anyway.
        del body["response_format"]
        return _post(config, body)


class _RefusedJsonMode(Exception):
    pass


def _post(config: ModelConfig, body: dict[str, Any]) -> str:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    key = api_key()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked: http or https)
        f"{config.base_url}/chat/completions",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    host = config.host
    try:
        opener = _OPENER if config.leaves_machine else _LOCAL_OPENER
        with opener.open(request, timeout=config.timeout) as response:
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        detail = _error_detail(exc)
        if exc.code == 400 and "response_format" in body and "response_format" in detail:
            raise _RefusedJsonMode from exc
        raise ModelError(
            f"{host} answered HTTP {exc.code}{': ' + detail if detail else ''}."
        ) from exc
    except TimeoutError as exc:
        raise ModelError(f"{host} gave no answer within {config.timeout:g} s.") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise ModelError(f"{host} gave no answer within {config.timeout:g} s.") from exc
        raise ModelError(f"Could not reach {host}: {exc.reason}.") from exc
    except OSError as exc:  # the connection dropped midway
        raise ModelError(f"The connection to {host} failed: {exc}.") from exc
    if len(raw) > MAX_ANSWER_BYTES:
        raise ModelError(f"{host} answered more than {MAX_ANSWER_BYTES // 1024} KB.")
    return _message_text(raw, host)


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(2000).decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        error = json.loads(text).get("error")
        text = error.get("message", text) if isinstance(error, dict) else str(error or text)
    except (ValueError, AttributeError):
        pass
    return " ".join(text.split())[:300]


def _message_text(raw: bytes, source: str) -> str:
    """The first choice's message content of a chat-completions answer."""
    try:
        data = json.loads(raw)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelError(f"{source}'s answer is not a chat completion.") from exc
    if not isinstance(content, str):
        raise ModelError(f"{source}'s answer has no text.")
    return content


# --- the in-process model (llama-cpp-python) -----------------------------------------------------

_LOADED: dict[str, Any] = {}
#: One completion at a time per process: a llama.cpp model is not safe to call concurrently.
_LOCK = threading.Lock()


def _llama_module() -> Any:
    try:
        return importlib.import_module("llama_cpp")
    except ImportError as exc:
        raise ModelError(
            "ACCOUNTPLAN_DRAFT_MODEL_PATH is set but llama-cpp-python is not installed: "
            "install the optional extra with `pip install 'accountplan[llm]'`."
        ) from exc


def _in_process(config: ModelConfig, messages: list[Message]) -> str:
    llama_cpp = _llama_module()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with _LOCK:
                model = _LOADED.get(config.model_path)
                if model is None:
                    model = llama_cpp.Llama(
                        model_path=config.model_path, n_ctx=IN_PROCESS_CONTEXT, verbose=False
                    )
                    _LOADED[config.model_path] = model
                outcome["answer"] = model.create_chat_completion(
                    messages=messages,
                    temperature=config.temperature,
                    response_format={"type": "json_object"},
                )
        except Exception as exc:  # any failure of the library is a fallback
            outcome["error"] = exc

    # The model runs in a thread so the caller waits no longer than the timeout; a completion
    # past it finishes in the background (and holds the lock) while the draft falls back.
    worker = threading.Thread(target=run, name="accountplan-draft-model", daemon=True)
    worker.start()
    worker.join(config.timeout)
    name = config.model_name
    if worker.is_alive():
        raise ModelError(f"The model {name} gave no answer within {config.timeout:g} s.")
    if "error" in outcome:
        raise ModelError(f"The model {name} failed: {outcome['error']}.")
    return _message_text(json.dumps(outcome.get("answer")).encode(), f"The model {name}")
