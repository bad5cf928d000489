def test_the_openapi_document_describes_every_router(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["info"]["title"] == "Tongxing API"
    for path in ["/api/people", "/api/people/{person_id}", "/api/orgs/organisations", "/api/users", "/api/audit/events"]:
        assert path in doc["paths"], path
    schemes = doc["components"]["securitySchemes"]
    assert {"SessionAuth", "TokenAuth"} <= set(schemes)


def test_the_interactive_docs_load_their_assets_locally(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "unpkg" not in page.text and "/static/" in page.text


def test_a_wrong_method_on_the_api_is_answered_in_json(client, db):
    response = client.delete("/api/users/me")
    assert response.status_code == 405 and "detail" in response.json()
