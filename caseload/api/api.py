"""The REST API: one NinjaAPI that mounts each app's router. The OpenAPI schema is served at
/api/openapi.json. (The interactive docs page is off: it would load scripts from a CDN.)"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Caseload API",
    version="1",
    description="Workload measurement and allocation. Every figure comes with the breakdown that explains it.",
    urls_namespace="api",
    docs_url=None,
)


@api.get("/health", tags=["meta"], summary="Liveness check", auth=None)
def health(request) -> dict[str, str]:
    return {"status": "ok"}
