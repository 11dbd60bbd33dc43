"""The generated OpenAPI document: GET /api/v1/openapi.json (CONTRACT.md section 4)."""
from __future__ import annotations

import json
import re

import pytest

CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
ERROR_REF = "#/components/schemas/ContractError"

# The endpoints of the mentor side (issue 3), each with the methods it must document.
EXPECTED = {
    "/api/v1/{tenant}/volunteers": {"get", "post"},
    "/api/v1/{tenant}/volunteers/me": {"get"},
    "/api/v1/{tenant}/volunteers/{volunteer_id}": {"get", "patch"},
    "/api/v1/{tenant}/volunteers/{volunteer_id}/status": {"post"},
    "/api/v1/{tenant}/volunteers/{volunteer_id}/status-history": {"get"},
    "/api/v1/{tenant}/volunteers/{volunteer_id}/screenings": {"get", "post"},
    "/api/v1/{tenant}/volunteers/{volunteer_id}/eligibility": {"get"},
    "/api/v1/{tenant}/courses": {"get", "post"},
    "/api/v1/{tenant}/courses/{course_id}": {"get", "patch"},
    "/api/v1/{tenant}/courses/{course_id}/sessions": {"post"},
    "/api/v1/{tenant}/courses/{course_id}/sessions/{session_id}": {"delete"},
    "/api/v1/{tenant}/courses/{course_id}/sessions/{session_id}/attendance": {"put"},
    "/api/v1/{tenant}/courses/{course_id}/enrollments": {"post"},
    "/api/v1/{tenant}/courses/{course_id}/enrollments/{volunteer_id}": {"delete"},
    "/api/v1/{tenant}/group-meetings": {"get", "post"},
    "/api/v1/{tenant}/group-meetings/{meeting_id}": {"get", "patch"},
    "/api/v1/{tenant}/group-meetings/{meeting_id}/invitations": {"post"},
    "/api/v1/{tenant}/group-meetings/{meeting_id}/attendance": {"put"},
}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")  # public: no token
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))  # valid JSON


def _resolve(spec, ref: str):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _deref(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        node = _resolve(spec, node["$ref"])
    return node


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_document_is_openapi_3_with_the_api_title(spec, app):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == app.config["API_TITLE"] and spec["info"]["version"]
    assert isinstance(spec["paths"], dict) and spec["paths"]


def test_every_api_route_of_the_app_is_documented(spec, app):
    """Walked from app.url_map: a route added without flask-smorest would be missing here."""
    documented = {path: {m for m in item if m in HTTP_METHODS} for path, item in spec["paths"].items()}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api-docs."):
            continue
        path = CONVERTER.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method.lower() not in documented.get(path, set()):
                missing.append(f"{method} {path}")
    assert not missing, missing


def test_every_mentor_side_endpoint_is_there(spec):
    for path, methods in EXPECTED.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, set(spec["paths"][path]))


def test_every_reference_resolves(spec):
    refs = set(_refs(spec))
    assert refs
    for ref in refs:
        _resolve(spec, ref)


def test_path_parameters_are_declared(spec):
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        declared = {p["name"] for p in item.get("parameters", []) if p.get("in") == "path"}
        for method, operation in item.items():
            if method in HTTP_METHODS:
                here = declared | {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
                assert names == here, (path, method, names, here)


def test_the_error_schema_is_the_contracts(spec):
    error = spec["components"]["schemas"]["ContractError"]
    assert set(error["properties"]) == {"code", "message", "errors"}
    assert error["properties"]["code"]["type"] == "integer"


def test_tenant_endpoints_document_their_errors_with_the_contract_schema(spec):
    for path, method, operation in _operations(spec):
        if not path.startswith("/api/v1/{tenant}/"):
            continue
        responses = operation["responses"]
        expected = {"401", "403", "404"}
        if "requestBody" in operation or any(p.get("in") == "query" for p in operation.get("parameters", [])):
            expected.add("422")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if status == "default" or int(status) >= 400:
                content = _deref(spec, response)["content"]["application/json"]
                assert content["schema"] == {"$ref": ERROR_REF}, (method, path, status)
        success = [s for s in responses if s != "default" and int(s) < 300]
        assert len(success) == 1, (method, path, sorted(responses))
        assert operation.get("summary"), (method, path)


def test_conflicts_are_documented_where_the_service_answers_409(spec):
    for path, method in [("/api/v1/{tenant}/volunteers/{volunteer_id}/status", "post"),
                         ("/api/v1/{tenant}/courses/{course_id}/enrollments", "post"),
                         ("/api/v1/{tenant}/courses/{course_id}/sessions/{session_id}", "delete"),
                         ("/api/v1/{tenant}/courses/{course_id}/sessions/{session_id}/attendance", "put"),
                         ("/api/v1/{tenant}/group-meetings/{meeting_id}/attendance", "put")]:
        assert "409" in spec["paths"][path][method]["responses"], (method, path)


def test_bodies_and_answers_have_their_schemas(spec):
    schemas = spec["components"]["schemas"]

    def body_schema(path, method):
        return _deref(spec, spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"])

    def answer_schema(path, method, status):
        return spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]

    create = body_schema("/api/v1/{tenant}/volunteers", "post")
    assert create["required"] == ["name"]
    assert create["properties"]["gender"]["enum"][:3] == ["female", "male", "other"]
    assert create["properties"]["employment_sector"]["enum"][:3] == ["public", "private", "none"]
    assert create["properties"]["education"]["enum"][:4] == ["care_teaching_social", "vocational", "higher", "unskilled"]
    assert create["properties"]["name"]["maxLength"] == 120
    assert create["properties"]["birth_date"]["format"] == "date"
    assert create["properties"]["capacity"]["maximum"] == 10
    patch = body_schema("/api/v1/{tenant}/volunteers/{volunteer_id}", "patch")
    assert "required" not in patch and set(patch["properties"]) == set(create["properties"])

    listed = answer_schema("/api/v1/{tenant}/volunteers", "get", "200")
    assert listed["type"] == "array" and listed["items"] == {"$ref": "#/components/schemas/VolunteerSummary"}
    page = spec["paths"]["/api/v1/{tenant}/volunteers"]["get"]
    assert {"page", "page_size", "q", "status", "channel"} <= {p["name"] for p in page["parameters"]}
    assert "X-Pagination" in page["responses"]["200"]["headers"]
    meetings = spec["paths"]["/api/v1/{tenant}/group-meetings"]["get"]
    assert {"page", "page_size", "kind", "upcoming"} <= {p["name"] for p in meetings["parameters"]}

    volunteer = schemas["Volunteer"]["properties"]
    assert not {"user_id", "tenant_id", "created_at"} & set(volunteer)
    eligibility = schemas["Eligibility"]["properties"]
    assert set(eligibility) == {"eligible", "findings"}
    assert set(schemas["Finding"]["properties"]) == {"code", "message", "blocking"}
    course = schemas["Course"]["properties"]
    assert {"sessions", "enrollments"} <= set(course)
    assert "completed_on" in schemas["Enrollment"]["properties"]
    attendance = body_schema("/api/v1/{tenant}/courses/{course_id}/sessions/{session_id}/attendance", "put")
    assert attendance["required"] == ["attendance"]
    assert "participants" in schemas["GroupMeeting"]["properties"]


def test_operations_have_unique_ids_or_none(spec):
    ids = [op["operationId"] for _, _, op in _operations(spec) if "operationId" in op]
    assert len(ids) == len(set(ids))
