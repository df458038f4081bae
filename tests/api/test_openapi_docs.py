"""The OpenAPI schema describes every endpoint; the docs page works offline (no CDN)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_book_and_declares_errors(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/accounts",
        "/api/accounts/{account_id}",
        "/api/buying-centers",
        "/api/products",
        "/api/opportunities",
        "/api/purchase-lines",
        "/api/contacts",
        "/api/activities",
        "/api/account-teams",
        "/api/users",
        "/api/me",
        "/api/tokens",
    ]:
        assert path in paths, path
    detail = paths["/api/accounts/{account_id}"]["get"]["responses"]
    assert {"200", "401", "404", "422"} <= set(detail)
    listing = paths["/api/accounts"]["get"]
    assert {"401", "422"} <= set(listing["responses"])
    params = {p["name"] for p in listing["parameters"]}
    assert {"limit", "offset", "q", "owner", "segment", "sort"} <= params
    schemes = schema["components"]["securitySchemes"]
    assert {"BearerTokenAuth", "ActiveSessionAuth"} <= set(schemes)


def test_docs_page_loads_its_assets_from_our_own_static_files(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    assert any(a.endswith("swagger-ui.css") for a in assets), assets
    for asset in assets:
        # Nothing from a CDN or any other host: the page must work on an offline network.
        assert asset.startswith("/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content if served.streaming else [served.content])
    assert "cdn" not in html.lower()


def test_every_api_schema_has_a_name_of_its_own() -> None:
    """Two schemas with one name made the OpenAPI document describe one shape for both (an
    owner documented as {id, name} and returned as {id, username, full_name})."""
    import importlib
    import pkgutil

    from ninja import Schema

    import accountplan

    for module in pkgutil.walk_packages(accountplan.__path__, "accountplan."):
        if module.name.endswith(("schemas", ".api")):
            importlib.import_module(module.name)

    def ours(cls: type) -> list[type]:
        found = [cls] if cls.__module__.startswith("accountplan.") else []
        for sub in cls.__subclasses__():
            found += ours(sub)
        return found

    by_name: dict[str, set[str]] = {}
    for cls in ours(Schema):
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: where for name, where in by_name.items() if len(where) > 1}
    assert not shared, shared
