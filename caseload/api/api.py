"""The REST API: one NinjaAPI that mounts each app's router. The OpenAPI schema is served at
/api/openapi.json. (The interactive docs page is off: it would load scripts from a CDN.)"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from caseload.cases.api import router as cases_router
from caseload.workloads.api import router as memberships_router

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


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A service refused the change: 422 with a message per field (409 for a conflict such as a closed case)."""
    errors = error.message_dict if hasattr(error, "error_dict") else {}
    return api.create_response(
        request,
        {"detail": " ".join(error.messages), "errors": errors},
        status=getattr(error, "status_code", 422),
    )


api.add_router("/cases", cases_router)
api.add_router("/imports", "caseload.imports.api.router")
api.add_router("/memberships", memberships_router)
api.add_router("/allocations", "caseload.allocations.api.router")
