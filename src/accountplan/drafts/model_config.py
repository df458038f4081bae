"""Which drafting model is configured, read from Django settings (docs/configuration.md).

Three cases: none (the default: drafts stay offline, nothing is sent anywhere), an
OpenAI-compatible endpoint by URL (a local Ollama, llama.cpp server or vLLM, or a hosted one), or
a model file run in this process by llama-cpp-python (the optional ``accountplan[llm]`` extra).
The API key is read from the environment only and never shown, stored or logged.
"""

from __future__ import annotations

import importlib.util
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings

Kind = Literal["offline", "endpoint", "in_process"]

#: What the model is sent for a draft, in the words the settings page uses.
DATA_SENT = (
    "the facts each draft sentence cites (their labels and values: the account's name, "
    "product names, contact names and roles, amounts, dates, competitors and reasons) and the "
    "offline draft's sentences"
)

KIND_LABELS = {
    "offline": "Offline (no model)",
    "endpoint": "OpenAI-compatible endpoint",
    "in_process": "Model file run in this process (llama-cpp-python)",
}


@dataclass(frozen=True)
class ModelConfig:
    """The drafting model's settings (never the API key's value: only whether one is set)."""

    kind: Kind
    base_url: str = ""
    model: str = ""
    model_path: str = ""
    timeout: float = 60.0
    temperature: float = 0.2
    has_api_key: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def host(self) -> str:
        """The endpoint's host (and port), shown and stored; never the path or credentials."""
        if self.kind != "endpoint":
            return ""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        return f"{host}:{parts.port}" if parts.port else host

    @property
    def model_name(self) -> str:
        """The name the badge shows: the configured name, or the model file's name."""
        if self.model:
            return self.model
        return Path(self.model_path).stem if self.model_path else ""

    @property
    def leaves_machine(self) -> bool:
        """True when drafts send customer data to another machine (a non-loopback host)."""
        return self.kind == "endpoint" and not is_loopback(urlsplit(self.base_url).hostname or "")

    def problem(self) -> str:
        """What stops this configuration from working, in words; empty when it looks usable."""
        if self.kind == "endpoint":
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return (
                    f"ACCOUNTPLAN_DRAFT_MODEL_URL must be an http:// or https:// URL "
                    f"(got {self.base_url!r})."
                )
            if parts.username or parts.password:
                return (
                    "ACCOUNTPLAN_DRAFT_MODEL_URL must not carry credentials: set "
                    "ACCOUNTPLAN_DRAFT_MODEL_API_KEY instead."
                )
            if not self.model:
                return "Set ACCOUNTPLAN_DRAFT_MODEL to the model's name (e.g. llama3.1:8b)."
        if self.kind == "in_process":
            if importlib.util.find_spec("llama_cpp") is None:
                return (
                    "ACCOUNTPLAN_DRAFT_MODEL_PATH is set but llama-cpp-python is not installed: "
                    "install the optional extra with `pip install 'accountplan[llm]'`."
                )
            if not Path(self.model_path).is_file():
                return f"The model file {self.model_path} does not exist or is not a file."
        return ""

    def settings_record(self) -> dict[str, object]:
        """The settings stored with a rewritten draft (no key, no path beyond the file name)."""
        return {
            "temperature": self.temperature,
            "timeout_seconds": self.timeout,
            "response_format": "json_object",
        }


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address: the model runs on this machine."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def current_config() -> ModelConfig:
    """The drafting model configured in the settings (offline when nothing is set)."""
    url = str(getattr(settings, "ACCOUNTPLAN_DRAFT_MODEL_URL", "") or "").strip()
    path = str(getattr(settings, "ACCOUNTPLAN_DRAFT_MODEL_PATH", "") or "").strip()
    model = str(getattr(settings, "ACCOUNTPLAN_DRAFT_MODEL", "") or "").strip()
    timeout = float(getattr(settings, "ACCOUNTPLAN_DRAFT_MODEL_TIMEOUT", 60.0))
    temperature = float(getattr(settings, "ACCOUNTPLAN_DRAFT_MODEL_TEMPERATURE", 0.2))
    if url:
        return ModelConfig(
            kind="endpoint",
            base_url=url.rstrip("/"),
            model=model,
            timeout=timeout,
            temperature=temperature,
            has_api_key=bool(api_key()),
        )
    if path:
        return ModelConfig(
            kind="in_process",
            model_path=path,
            model=model,
            timeout=timeout,
            temperature=temperature,
        )
    return ModelConfig(kind="offline")


def api_key() -> str:
    """The endpoint's API key, read at the moment of the call (never kept on the config)."""
    return str(getattr(settings, "ACCOUNTPLAN_DRAFT_MODEL_API_KEY", "") or "")
