"""The OpenAPI document: what ninja derives from the operations, and what it cannot see.
Problem details are components that every error answer refers to (inlined in each,
openapi-python-client kept only an operation's first one), the headers the API reads
and sends are declared (Idempotency-Key; ETag, If-None-Match and the 304; Retry-After;
Location), and no component is left that nothing refers to."""

from typing import Any

from ninja.openapi.schema import OpenAPISchema

from .idempotency import HEADER, MAX_LENGTH, PATTERN
from .problems import CONTENT_TYPE, TITLES, Problem

# What every operation may answer; a write also 400 (a body that is not a JSON
# object) and 409 (the state of what it changes does not allow it).
ANY_OPERATION = (401, 403, 404, 422, 429, 503)
WRITE = (400, 409)

HEADERS = {
    "ETag": {
        "description": "The answer's version: send it back as If-None-Match.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    "Location": {
        "description": "Where the file is: a link valid 60 seconds.",
        "required": True,
        "schema": {"type": "string", "format": "uri-reference"},
    },
}
PARAMETERS = {
    "IdempotencyKey": {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": (
            "Sent again with the same request, answers the first answer and writes "
            "nothing; with another request, a 422. Kept 24 hours unless the site says "
            "otherwise."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH, "pattern": PATTERN},
    },
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "The ETag of the answer the client holds: a 304 while it is unchanged.",
        "schema": {"type": "string"},
    },
}


def ref(kind: str, name: str) -> dict:
    """A reference to one of the components."""
    return {"$ref": f"#/components/{kind}/{name}"}


def documented(
    *,
    write: bool = False,
    idempotent: bool = False,
    conditional: bool = False,
    responses: dict[int, dict] | None = None,
) -> dict:
    """An operation's openapi_extra: its error answers as problem details, with the
    headers it takes and answers; `responses` of its own besides."""
    problem = {CONTENT_TYPE: {"schema": ref("schemas", "Problem")}}
    statuses = ANY_OPERATION + (WRITE if write else ())
    answers: dict[int, dict] = {
        status: {"description": TITLES[status], "content": problem} for status in statuses
    }
    for status in (429, 503):
        answers[status]["headers"] = {"Retry-After": ref("headers", "Retry-After")}
    parameters = [ref("parameters", "IdempotencyKey")] if idempotent else []
    if conditional:
        parameters.append(ref("parameters", "IfNoneMatch"))
        answers[200] = {"headers": {"ETag": ref("headers", "ETag")}}
        answers[304] = {
            "description": "Not Modified: the ETag sent is still the answer's",
            "headers": {"ETag": ref("headers", "ETag")},
        }
    return {"responses": {**answers, **(responses or {})}, "parameters": parameters}


def _references(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_references(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_references(item) for item in node))
    return set()


class Document(OpenAPISchema):
    """ninja's document, with the components the operations refer to and none else."""

    def __init__(self, api: Any, path_prefix: str):
        super().__init__(api, path_prefix)
        components = self["components"]
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components["schemas"].update({**problem.pop("$defs"), "Problem": problem})
        components["headers"], components["parameters"] = HEADERS, PARAMETERS
        schemas = components.pop("schemas")
        # A query's schema ninja spreads into parameters stays behind as a component.
        wanted = [ref.rsplit("/", 1)[-1] for ref in _references(self)]
        used: dict[str, dict] = {}
        while wanted:
            name = wanted.pop()
            if name in schemas and name not in used:
                used[name] = schemas[name]
                wanted.extend(ref.rsplit("/", 1)[-1] for ref in _references(schemas[name]))
        components["schemas"] = dict(sorted(used.items()))

    def deep_dict_update(self, main_dict: dict, update_dict: dict) -> None:
        """openapi_extra into what ninja derived: parameters added to the operation's
        own, as newer ninja does (1.4 put them in their place)."""
        for key, value in update_dict.items():
            if isinstance(value, dict) and isinstance(main_dict.get(key), dict):
                self.deep_dict_update(main_dict[key], value)
            elif isinstance(value, list) and isinstance(main_dict.get(key), list):
                main_dict[key] = [*main_dict[key], *value]
            else:
                main_dict[key] = value
