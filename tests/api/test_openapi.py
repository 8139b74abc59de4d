from django.test import Client


def test_openapi_document_lists_the_api_paths(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Relais API"
    paths = document["paths"]
    for path in [
        "/api/v1/contacts",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/conversations",
        "/api/v1/conversations/{conversation_id}",
        "/api/v1/conversations/{conversation_id}/messages",
        "/api/v1/conversations/{conversation_id}/notes",
        "/api/v1/conversations/{conversation_id}/assign",
        "/api/v1/conversations/{conversation_id}/status",
        "/api/v1/conversations/{conversation_id}/tags",
        "/api/v1/inboxes",
        "/api/v1/inboxes/{inbox_id}",
        "/api/v1/channels/api/{public_key}/messages",
    ]:
        assert path in paths, path
    assert not any("{rest}" in path for path in paths)
    assert document["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"
    inbound = paths["/api/v1/channels/api/{public_key}/messages"]["post"]
    assert "security" not in inbound or inbound["security"] == []
    body_schema = inbound["requestBody"]["content"]["application/json"]["schema"]
    assert "$defs" not in str(body_schema)
    assert "external_id" in str(body_schema)


def test_docs_page_serves_swagger_from_our_static_files(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
