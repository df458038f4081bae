"""The JSON API (django-ninja): OpenAPI at /api/openapi.json, interactive docs at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="accountplan API",
    version="1",
    description="The book of business, analytics and account plans. Session or token auth.",
    urls_namespace="api",
)
