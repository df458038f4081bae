"""The model pass against a real local chat-completions server answering scripted replies: a good
rewrite is kept; an invented figure, an uncited sentence, a citation of a fact not given, broken
JSON, a timeout and an HTTP error are each caught and fall back to the offline wording."""

from __future__ import annotations

import importlib.util
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from accountplan.drafts.model import check_connection, maybe_rewrite
from accountplan.drafts.prompt import TEST_MESSAGES
from accountplan.drafts.types import DraftEntry, PlanDraft
from tests.drafts import model_pass_data as d
from tests.drafts.chat_server import BLOCK, ChatServer, chat, chat_server, status

__all__ = ["chat_server"]  # the fixture, used by name

KEY = "sk-test-never-stored"


@pytest.fixture
def endpoint(settings: Any, chat_server: ChatServer) -> ChatServer:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = chat_server.url
    settings.ACCOUNTPLAN_DRAFT_MODEL_PATH = ""
    settings.ACCOUNTPLAN_DRAFT_MODEL = "test-model"
    settings.ACCOUNTPLAN_DRAFT_MODEL_API_KEY = KEY
    settings.ACCOUNTPLAN_DRAFT_MODEL_TIMEOUT = 10
    settings.ACCOUNTPLAN_DRAFT_MODEL_TEMPERATURE = 0.1
    return chat_server


def _entries(draft: PlanDraft, key: str) -> list[DraftEntry]:
    return next(s.entries for s in draft.sections if s.key == key)


def _all(draft: PlanDraft) -> list[DraftEntry]:
    return [e for s in draft.sections for e in s.entries]


def test_no_model_configured_returns_the_draft_unchanged_without_any_connection(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = ""
    settings.ACCOUNTPLAN_DRAFT_MODEL_PATH = ""
    connections: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        connections.append(address)
        raise AssertionError(f"the offline draft connected to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    draft = d.draft()
    result = maybe_rewrite(draft, d.facts())
    assert result is draft
    assert result.rewrite == {} and result.badge == "from data"
    assert {e.origin for e in _all(result)} == {"data"}
    assert connections == []


def test_a_good_rewrite_is_kept_as_the_models(endpoint: ChatServer) -> None:
    endpoint.script(chat(d.answer(*d.GOOD)))
    result = maybe_rewrite(d.draft(), d.facts())

    overview = _entries(result, "overview")
    assert len(overview) == 1  # the two summary sentences grouped into one
    assert overview[0].origin == "model"
    assert overview[0].text.startswith("Revenue rose 18 % to $250,000")
    assert overview[0].fact_ids == (d.REVENUE, d.ADOPTED)
    action = _entries(result, "actions")[0]
    assert action.origin == "model"
    assert action.item == {"title": action.text}  # the item's wording follows
    assert _entries(result, "swot")[0].text == d.GOOD[2]["text"]
    assert _entries(result, "goals") == [d.COMPONENT]  # not offered: unchanged, "data"
    assert result.badge == "rewritten by test-model"

    record = result.rewrite
    assert record["status"] == "rewritten"
    assert record["endpoint"] == "endpoint"
    assert record["host"] == endpoint.host
    assert record["leaves_machine"] is False
    assert record["settings"] == {
        "temperature": 0.1,
        "timeout_seconds": 10.0,
        "response_format": "json_object",
    }
    assert record["counts"] == {"model": 3, "fallback": 0, "data": 1}
    assert KEY not in json.dumps(record)

    (request,) = endpoint.received
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.body["model"] == "test-model"
    assert request.body["temperature"] == 0.1
    assert request.body["response_format"] == {"type": "json_object"}
    assert request.body["messages"] == record["prompt"]
    sent = json.loads(request.body["messages"][1]["content"])
    assert [f["id"] for f in sent["facts"]] == [d.LOST, d.ADOPTED, d.REVENUE, d.STALE]
    assert sent["facts"][0]["values"]["amount"] == "12000.00"
    sentences = [s["id"] for section in sent["sections"] for s in section["sentences"]]
    assert sentences == ["e1", "e2", "e3", "e4"]


@pytest.mark.parametrize(
    ("index", "text", "caught"),
    [
        (2, "Acme Corp won 3 deals from us in 2026.", "it states 3"),
        (2, "Acme Corp won 2 deals from us in 2026, worth $15,000.", "it states $15,000"),
        (2, "Acme Corp won 2 deals from us in 2026, worth $12k.", "it says 12k"),
        (0, "Revenue rose 25 % to $250,000 in FY2026.", "it states 25 %"),
        (1, "Call Jane Smith, not contacted since March 3, 2026.", "the date March 3, 2026"),
        (2, "Globex won 2 deals from us in 2026.", "it names Globex"),
        (1, "Call John Smith, the CFO, not contacted since Jan 10, 2026.", "it names John"),
    ],
)
def test_an_invented_figure_date_or_name_is_caught_and_falls_back(
    endpoint: ChatServer, index: int, text: str, caught: str
) -> None:
    endpoint.script(chat(d.good_but(index, text=text)))
    result = maybe_rewrite(d.draft(), d.facts())
    offline = d.draft()
    section = str(d.GOOD[index]["key"])
    refused = _entries(result, section)
    originals = _entries(offline, section)
    assert [e.text for e in refused] == [e.text for e in originals]  # the offline wording
    assert {e.origin for e in refused} == {"fallback"}
    assert all(caught in e.fallback_reason for e in refused), refused[0].fallback_reason
    others = [e for s in result.sections if s.key not in (section, "goals") for e in s.entries]
    assert others and {e.origin for e in others} == {"model"}  # the rest is still rewritten
    assert result.badge == "rewritten by test-model"


@pytest.mark.parametrize(
    ("fact_ids", "caught"),
    [
        ([], "it cites no fact"),
        ([d.NEWS], f"it cites {d.NEWS}, which the model was not given"),
        (["deals.won:999"], "which is not a fact of this account"),
        ([d.LOST, d.REVENUE], f"it cites {d.REVENUE}, which the sentence it rewrites does not"),
    ],
)
def test_a_sentence_citing_no_fact_or_a_fact_not_given_is_caught(
    endpoint: ChatServer, fact_ids: list[str], caught: str
) -> None:
    endpoint.script(chat(d.good_but(2, fact_ids=fact_ids)))
    result = maybe_rewrite(d.draft(), d.facts())
    (threat,) = _entries(result, "swot")
    assert threat.origin == "fallback"
    assert threat.text == "Lost 2 deals to Acme Corp in 2026 ($12,000)."
    assert threat.fact_ids == (d.LOST,)
    assert caught in threat.fallback_reason
    assert _entries(result, "actions")[0].origin == "model"


def test_a_sentence_left_out_of_the_answer_keeps_its_offline_wording(
    endpoint: ChatServer,
) -> None:
    endpoint.script(chat(d.answer(*d.GOOD[:2])))
    result = maybe_rewrite(d.draft(), d.facts())
    (threat,) = _entries(result, "swot")
    assert threat.origin == "fallback"
    assert "left this sentence out" in threat.fallback_reason


def test_merging_list_items_or_rewriting_an_unknown_sentence_is_refused(
    endpoint: ChatServer,
) -> None:
    merged = {**d.GOOD[1], "replaces": ["e3", "e4"]}
    invented = {**d.GOOD[2], "replaces": ["e9"]}
    endpoint.script(chat(d.answer(d.GOOD[0], merged, invented)))
    result = maybe_rewrite(d.draft(), d.facts())
    assert (
        "it merges sentences of different fields" in _entries(result, "actions")[0].fallback_reason
    )
    assert _entries(result, "overview")[0].origin == "model"
    assert any("e9" in line for line in result.rewrite["unplaced"])  # type: ignore[attr-defined]


def _assert_whole_fallback(result: PlanDraft, reason: str) -> None:
    entries = _all(result)
    assert [e.text for e in entries] == [e.text for e in _all(d.draft())]
    assert {e.origin for e in entries} == {"fallback"}
    assert all(reason in e.fallback_reason for e in entries), entries[0].fallback_reason
    assert result.rewrite["status"] == "failed"
    assert reason in str(result.rewrite["error"])
    assert result.badge == "from data"  # nothing the model wrote is shown


def test_broken_json_keeps_the_whole_offline_draft(endpoint: ChatServer) -> None:
    endpoint.script(chat('{"sections": [{"key": "overview", "entries": [{"text": "Revenue'))
    _assert_whole_fallback(maybe_rewrite(d.draft(), d.facts()), "not JSON")


def test_json_of_another_shape_keeps_the_whole_offline_draft(endpoint: ChatServer) -> None:
    endpoint.script(chat({"summary": "Revenue grew."}))
    _assert_whole_fallback(maybe_rewrite(d.draft(), d.facts()), 'no "sections" list')


def test_a_timeout_keeps_the_whole_offline_draft(endpoint: ChatServer, settings: Any) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_TIMEOUT = 0.3
    endpoint.script(BLOCK)
    result = maybe_rewrite(d.draft(), d.facts())
    _assert_whole_fallback(result, "gave no answer within 0.3 s")
    assert len(endpoint.received) == 1


def test_an_http_error_keeps_the_whole_offline_draft(endpoint: ChatServer) -> None:
    endpoint.script(status(500, '{"error": {"message": "model crashed"}}'))
    _assert_whole_fallback(maybe_rewrite(d.draft(), d.facts()), "answered HTTP 500: model crashed")


def test_an_unreachable_endpoint_keeps_the_whole_offline_draft(settings: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = f"http://127.0.0.1:{port}/v1"
    settings.ACCOUNTPLAN_DRAFT_MODEL = "test-model"
    _assert_whole_fallback(maybe_rewrite(d.draft(), d.facts()), "Could not reach")


def test_an_endpoint_without_json_mode_is_asked_again_without_it(endpoint: ChatServer) -> None:
    endpoint.script(
        status(400, '{"error": {"message": "response_format is not supported"}}'),
        chat(d.answer(*d.GOOD)),
    )
    result = maybe_rewrite(d.draft(), d.facts())
    assert result.rewrite["status"] == "rewritten"
    first, second = endpoint.received
    assert "response_format" in first.body and "response_format" not in second.body


def test_a_model_file_without_llama_cpp_installed_says_how_to_install_it(
    settings: Any, tmp_path: Path
) -> None:
    if importlib.util.find_spec("llama_cpp") is not None:
        pytest.skip("llama-cpp-python is installed here")
    model = tmp_path / "tiny-model.gguf"
    model.write_bytes(b"GGUF")
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = ""
    settings.ACCOUNTPLAN_DRAFT_MODEL_PATH = str(model)
    result = maybe_rewrite(d.draft(), d.facts())
    _assert_whole_fallback(result, "pip install 'accountplan[llm]'")
    assert result.rewrite["endpoint"] == "in_process"
    assert result.rewrite["model_name"] == "tiny-model"


def test_the_connection_test_sends_no_customer_data(endpoint: ChatServer) -> None:
    endpoint.script(chat({"ok": True}))
    result = check_connection()
    assert result.ok and result.answer == '{"ok": true}'
    (request,) = endpoint.received
    assert request.body["messages"] == TEST_MESSAGES


def test_the_connection_test_reports_a_failure_in_words(endpoint: ChatServer) -> None:
    endpoint.script(status(401, '{"error": {"message": "invalid api key"}}'))
    result = check_connection()
    assert not result.ok
    assert result.message == f"{endpoint.host} answered HTTP 401: invalid api key."
