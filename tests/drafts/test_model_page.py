"""The "Drafting model" settings page: managers and admins only; it says plainly whether drafts
are offline and, for a remote endpoint, that customer data goes there; its connection test sends
no customer data (a real local chat-completions server), in the page and in a real browser."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from django.test import Client

from accountplan.core.models import Role, User
from accountplan.drafts.prompt import TEST_MESSAGES
from tests.drafts.chat_server import ChatServer, chat, chat_server, status
from tests.factories import UserFactory
from tests.web.visible_text import html_text, leaks

__all__ = ["chat_server"]  # the fixture, used by name

URL = "/settings/drafting-model/"
TEST_URL = "/settings/drafting-model/test/"


def _text(client: Client, url: str = URL, post: bool = False) -> str:
    response = client.post(url) if post else client.get(url)
    assert response.status_code == 200
    return html_text(response.content.decode())


@pytest.fixture
def as_manager(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


@pytest.mark.django_db
def test_offline_by_default_said_plainly(as_manager: Client, settings: Any) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = ""
    settings.ACCOUNTPLAN_DRAFT_MODEL_PATH = ""
    text = _text(as_manager)
    assert "Drafts are written offline" in text
    assert "no customer data leaves it" in text
    assert "Test the connection" not in text  # nothing to test
    assert not leaks(text)


@pytest.mark.django_db
def test_a_remote_endpoint_says_which_data_goes_to_which_host(
    as_manager: Client, settings: Any
) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = "https://models.example.com/v1"
    settings.ACCOUNTPLAN_DRAFT_MODEL = "gpt-4o-mini"
    settings.ACCOUNTPLAN_DRAFT_MODEL_API_KEY = "sk-secret-value"
    response = as_manager.get(URL)
    html = response.content.decode()
    text = html_text(html)
    assert "Drafts are rewritten by gpt-4o-mini" in text
    assert "Customer data is sent to models.example.com." in text
    assert "product names, contact names and roles, amounts, dates" in text
    assert "Set (never shown)" in text
    assert "sk-secret-value" not in html


@pytest.mark.django_db
def test_a_local_endpoint_says_no_data_leaves_the_machine(
    as_manager: Client, settings: Any, chat_server: ChatServer
) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = chat_server.url
    settings.ACCOUNTPLAN_DRAFT_MODEL = "llama3.1:8b"
    text = _text(as_manager)
    assert f"The model answers at {chat_server.host}, on this machine" in text
    assert "Customer data is sent" not in text
    assert chat_server.received == []  # showing the page calls nothing


@pytest.mark.django_db
def test_a_missing_model_name_is_shown_as_the_problem(as_manager: Client, settings: Any) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = "http://127.0.0.1:11434/v1"
    settings.ACCOUNTPLAN_DRAFT_MODEL = ""
    text = _text(as_manager)
    assert "Not usable as configured: Set ACCOUNTPLAN_DRAFT_MODEL to the model's name" in text


@pytest.mark.django_db
def test_the_connection_test_sends_no_customer_data_and_shows_the_answer(
    as_manager: Client, settings: Any, chat_server: ChatServer
) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = chat_server.url
    settings.ACCOUNTPLAN_DRAFT_MODEL = "llama3.1:8b"
    chat_server.script(chat({"ok": True}), status(503, "loading model"))
    text = _text(as_manager, TEST_URL, post=True)
    assert "Connected. llama3.1:8b answered with JSON." in text
    assert [r.body["messages"] for r in chat_server.received] == [TEST_MESSAGES]
    text = _text(as_manager, TEST_URL, post=True)
    assert f"Not working. {chat_server.host} answered HTTP 503: loading model." in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACCOUNT_EXECUTIVE, Role.MARKETING, Role.VIEWER])
def test_only_managers_and_admins_see_or_test_it(client: Client, role: str) -> None:
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    assert client.get(URL).status_code == 403
    assert client.post(TEST_URL).status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_test_the_connection_in_the_browser(
    live_server: Any, login: Any, settings: Any, chat_server: ChatServer, width: int
) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = chat_server.url
    settings.ACCOUNTPLAN_DRAFT_MODEL = "llama3.1:8b"
    chat_server.script(chat({"ok": True}))
    admin = UserFactory(username=f"admin{width}", role=Role.ADMIN)
    page = login(admin)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/scorecard/")
    page.click("text=Drafting model")
    page.wait_for_url(lambda url: url.endswith(URL))
    assert "on this machine" in page.inner_text("[data-testid=drafting-where]")
    page.click("#drafting-test")
    result = page.locator("[data-testid=drafting-test-result]")
    result.wait_for()
    assert "Connected." in result.inner_text()
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    assert len(chat_server.received) == 1


@pytest.mark.django_db
def test_the_api_says_the_same_and_tests_the_connection(
    as_manager: Client, settings: Any, chat_server: ChatServer
) -> None:
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = chat_server.url
    settings.ACCOUNTPLAN_DRAFT_MODEL = "llama3.1:8b"
    shown = as_manager.get("/api/drafting-model").json()
    assert shown["kind"] == "endpoint" and shown["host"] == chat_server.host
    assert shown["data_leaves_machine"] is False
    chat_server.script(chat({"ok": True}))
    tested = as_manager.post("/api/drafting-model/test").json()
    assert tested["ok"] is True and tested["message"] == "llama3.1:8b answered with JSON."
    assert [r.body["messages"] for r in chat_server.received] == [TEST_MESSAGES]


@pytest.mark.django_db
def test_the_api_refuses_an_account_executive(client: Client) -> None:
    client.force_login(UserFactory(username="ae-api", role=Role.ACCOUNT_EXECUTIVE))
    response = client.get("/api/drafting-model")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only managers and admins")


@pytest.mark.django_db
def test_a_model_file_without_the_llm_extra_says_how_to_install_it(
    as_manager: Client, settings: Any, tmp_path: Any
) -> None:
    if importlib.util.find_spec("llama_cpp") is not None:
        pytest.skip("llama-cpp-python is installed here")
    model = tmp_path / "qwen2.5-7b.gguf"
    model.write_bytes(b"GGUF")
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = ""
    settings.ACCOUNTPLAN_DRAFT_MODEL_PATH = str(model)
    text = _text(as_manager)
    assert "Drafts are rewritten by qwen2.5-7b" in text
    assert "runs inside this app from the file qwen2.5-7b.gguf" in text
    assert "Not usable as configured" in text and "pip install 'accountplan[llm]'" in text
