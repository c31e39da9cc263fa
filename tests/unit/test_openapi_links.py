"""The OpenAPI links of the document (shared/core/links.py) lead somewhere real: each names an
operation that exists, fills exactly its path parameters, from a field its source response has."""

from __future__ import annotations

from typing import Any

from functions.openapi import openapi_document

DOCUMENT = openapi_document()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _has_field(schema: dict[str, Any], pointer: list[str]) -> bool:
    """Whether ``pointer`` (JSON pointer parts) names a required, non-null string in ``schema``."""
    schema = _resolve(schema)
    if not pointer:
        return schema.get("type") == "string"
    head, rest = pointer[0], pointer[1:]
    if head.isdigit():
        return schema.get("type") == "array" and _has_field(schema["items"], rest)
    return head in schema.get("required", []) and _has_field(schema["properties"][head], rest)


def _operation(reference: str) -> tuple[str, dict[str, Any]]:
    assert reference.startswith("#/paths/"), reference
    escaped, method = reference.removeprefix("#/paths/").rsplit("/", 1)
    path = escaped.replace("~1", "/").replace("~0", "~")
    return path, DOCUMENT["paths"][path][method]


def _links() -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    found = []
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                for name, link in (response.get("links") or {}).items():
                    found.append((f"{method.upper()} {path} {status} {name}", path, status, response, link))
    return found


def test_every_link_fills_an_existing_operations_path_parameters_from_its_response() -> None:
    links = _links()
    assert len(links) >= 40
    for label, _path, status, response, link in links:
        _target_path, target = _operation(link["operationRef"])
        wanted = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        assert set(link["parameters"]) == wanted, label
        assert status.startswith("2"), label
        schema = response["content"]["application/json"]["schema"]
        for expression in link["parameters"].values():
            source, _, pointer = expression.partition("#/")
            assert source == "$response.body", label
            assert _has_field(schema, pointer.split("/")), f"{label}: {expression}"


def test_every_operation_on_an_existing_object_is_the_target_of_a_link() -> None:
    targets = {
        f"{_operation(link['operationRef'])[0]} {link['operationRef'].rsplit('/', 1)[1]}" for *_, link in _links()
    }
    for path, operations in DOCUMENT["paths"].items():
        for method in operations:
            # The API's objects live under /v1; /privacy/{file} names the Privacy Center's files.
            if "{" in path and path.startswith("/v1/"):
                assert f"{path} {method}" in targets, f"{method.upper()} {path}"
