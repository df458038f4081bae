"""``accountplan drafting-model show|test``: what is configured, and a connection test against a
real local chat-completions server (no customer data sent)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accountplan.drafts.prompt import TEST_MESSAGES
from tests.drafts.chat_server import ChatServer, chat, chat_server, status

__all__ = ["chat_server"]  # the fixture, used by name


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("drafting-model", *args, stdout=out)
    return out.getvalue()


def test_show_says_offline_by_default(settings: Any) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = ""
    settings.ACCOUNTPLAN_DRAFT_MODEL_PATH = ""
    assert "no customer data leaves this machine" in _run("show")
    assert json.loads(_run("show", "--json"))["kind"] == "offline"


def test_show_names_the_host_customer_data_goes_to(settings: Any) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = "https://api.example.com/v1"
    settings.ACCOUNTPLAN_DRAFT_MODEL = "gpt-4o-mini"
    settings.ACCOUNTPLAN_DRAFT_MODEL_API_KEY = "sk-not-printed"
    text = _run("show")
    assert "Customer data is sent to api.example.com" in text
    assert "sk-not-printed" not in text
    shown = json.loads(_run("show", "--json"))
    assert shown["data_leaves_machine"] is True and shown["api_key_set"] is True


def test_test_checks_the_endpoint_with_no_customer_data(
    settings: Any, chat_server: ChatServer
) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = chat_server.url
    settings.ACCOUNTPLAN_DRAFT_MODEL = "llama3.1:8b"
    chat_server.script(chat({"ok": True}), status(404, "model not found"))
    result = json.loads(_run("test", "--json"))
    assert result["ok"] is True and result["answer"] == '{"ok": true}'
    assert chat_server.received[0].body["messages"] == TEST_MESSAGES
    with pytest.raises(CommandError, match="does not work as configured"):
        _run("test")
    assert len(chat_server.received) == 2
