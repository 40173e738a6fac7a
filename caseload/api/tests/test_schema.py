"""The OpenAPI schema is served and describes the API."""

import pytest


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Caseload API"
    assert "/api/health" in schema["paths"]


@pytest.mark.django_db
def test_health(client):
    assert client.get("/api/health").json() == {"status": "ok"}
