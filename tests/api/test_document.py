"""The OpenAPI document as tools nobody here wrote read it (issue 31, point 4):
openapi-spec-validator finds it valid, openapi-python-client makes a client of it
without a warning, and that client reads the problems the API answers. The document
declares every header the API reads and sends, and says of text what the server takes."""

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from django.test.utils import override_script_prefix
from openapi_spec_validator import validate
from pydantic import TypeAdapter, ValidationError

from ats.api import fields
from ats.models import ApiScope
from tests.factories import OpeningFactory
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db

METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path.removeprefix('/api/v1')}", operation


def resolved(document: dict, node: dict) -> dict:
    if "$ref" not in node:
        return node
    kind, name = node["$ref"].removeprefix("#/components/").split("/")
    return document["components"][kind][name]


def test_the_document_is_valid_openapi(document):
    validate(document)  # raises what it finds


@pytest.fixture
def generated(document, tmp_path) -> tuple[subprocess.CompletedProcess, Path]:
    """openapi-python-client's client of the served document, as a package in tmp_path,
    and what the generator said."""
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # no formatting: not our code
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            "openapi.json",
            "--output-path",
            "ats_api_client",
            "--meta",
            "none",
            "--config",
            "config.yaml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return run, tmp_path


@pytest.mark.slow  # openapi-python-client generates a client
def test_openapi_python_client_makes_a_client_without_a_warning(generated):
    run, _ = generated

    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stdout[:6000]


@pytest.mark.slow  # openapi-python-client generates a client
@pytest.mark.django_db(transaction=True)
def test_the_generated_client_reads_a_404_and_a_409_as_problems(
    generated, live_server, make_key, monkeypatch
):
    closed = OpeningFactory(status="closed")
    _, secret = make_key(
        ApiScope.APPLICATIONS_READ,
        ApiScope.OPENINGS_WRITE,
        permissions=["change_opening", "publish_opening"],
        on_team=closed,
    )
    monkeypatch.syspath_prepend(str(generated[1]))

    def made(module: str):
        return importlib.import_module(f"ats_api_client.{module}")

    client = made("client").AuthenticatedClient(base_url=live_server.url, token=secret)
    read = made("api.applications.ats_api_applications_read_application")
    close = made("api.openings.ats_api_openings_close_opening")

    missing = read.sync(client=client, public_id=uuid4())
    conflict = close.sync(client=client, opening_id=closed.pk)

    problem = made("models").Problem
    assert isinstance(missing, problem) and missing.status == 404
    assert isinstance(conflict, problem) and conflict.status == 409 and conflict.detail


CREATING = {
    "POST /openings",
    "POST /applications/{public_id}/notes",
    "POST /openings/{opening_id}/decision",
    "POST /webhooks",
}


def test_every_header_the_api_reads_or_sends_is_declared(document):
    def parameters(operation) -> set[str]:
        return {
            f"{p['in']} {p['name']}"
            for p in (resolved(document, p) for p in operation["parameters"])
        }

    def headers(operation, status: str) -> set[str]:
        return set(operation["responses"].get(status, {}).get("headers", {}))

    every = dict(operations(document))
    conditional = {name for name in every if name.startswith("GET") and "/cv" not in name}

    assert {n for n, o in every.items() if "header Idempotency-Key" in parameters(o)} == CREATING
    assert {n for n, o in every.items() if "header If-None-Match" in parameters(o)} == conditional
    assert {n for n, o in every.items() if headers(o, "200") == {"ETag"}} == conditional
    assert {n for n, o in every.items() if headers(o, "304") == {"ETag"}} == conditional
    assert [n for n, o in every.items() if headers(o, "429") != {"Retry-After"}] == []
    assert [n for n, o in every.items() if headers(o, "503") != {"Retry-After"}] == []
    assert headers(every["GET /applications/{public_id}/cv"], "302") == {"Location"}
    key = resolved(document, {"$ref": "#/components/parameters/IdempotencyKey"})["schema"]
    assert (key["minLength"], key["maxLength"]) == (1, 255)


def test_every_problem_is_one_component_and_nothing_is_left_unused(document):
    def references(node) -> set[str]:
        return set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(node)))

    problems = {
        json.dumps(response["content"]["application/problem+json"]["schema"])
        for _, operation in operations(document)
        for status, response in operation["responses"].items()
        if status.startswith(("4", "5"))
    }
    schemas = document["components"]["schemas"]
    used = references({key: value for key, value in document.items() if key != "components"})
    while more := set().union(*(references(schemas[name]) for name in used)) - used:
        used |= more

    assert problems == {'{"$ref": "#/components/schemas/Problem"}'}
    assert references(schemas["Problem"]) == {"InvalidParameter"}
    assert set(schemas) == used


def test_the_paths_start_at_the_one_server_and_none_ends_with_a_slash(document):
    assert document["servers"] == [{"url": "/"}]
    assert [path for path in document["paths"] if path.endswith("/")] == []


def test_under_a_prefix_the_paths_hold_it_so_the_server_stays_the_hosts_root(client):
    with override_script_prefix("/jobb/"):  # as SCRIPT_NAME sets it behind a proxy
        document = client.get("/api/v1/openapi.json").json()

    assert document["servers"] == [{"url": "/"}]
    assert {path.partition("/api/v1/")[0] for path in document["paths"]} == {"/jobb"}


def test_the_openings_path_with_a_slash_still_answers_as_before(make_key):
    _, secret = make_key(
        ApiScope.OPENINGS_READ, ApiScope.OPENINGS_WRITE, permissions=["add_opening"]
    )
    api = ApiClient(secret)
    body = json.dumps({"title": "Undersköterska"})

    listed = [api.get(path) for path in ("/api/v1/openings", "/api/v1/openings/")]
    made = [
        api.post(p, body, "application/json") for p in ("/api/v1/openings", "/api/v1/openings/")
    ]

    assert [answer.status_code for answer in listed + made] == [200, 200, 201, 201]
    assert listed[0].json() == listed[1].json() == []


@pytest.mark.parametrize("allowed, scheme", [(False, "https://"), (True, "http://")])
def test_the_document_says_which_webhook_urls_the_server_takes(client, settings, allowed, scheme):
    settings.ATS_WEBHOOK_ALLOW_HTTP = allowed

    document = client.get("/api/v1/openapi.json").json()

    url = document["components"]["schemas"]["SubscriptionIn"]["properties"]["url"]
    assert re.search(url["pattern"], "https://hr.example.se/ats")
    assert bool(re.search(url["pattern"], "http://hr.example.se/ats")) is allowed, scheme
    assert not re.search(url["pattern"], "https://hr.example.se/\x00")


def test_the_contact_email_is_an_address_or_blank(document):
    email = document["components"]["schemas"]["OpeningChange"]["properties"]["contact_email"]

    assert email["anyOf"] == [
        {"format": "email", "maxLength": 254, "type": "string"},
        {"const": "", "type": "string"},
    ]


SAMPLES = [
    "", " ", "Hej", " Hej ", "a\x00b", "\x00", "Två\nrader", "\tHej", "Hej\r", "\u2028",
    "\x85", "\x1c", "\x7f", "\xa0", "\u3000", "\u3000Hej", "\ufeff", "Åsa Öberg",
]  # fmt: skip


@pytest.mark.parametrize("kind", ["Text", "FilledText", "OneLine", "FilledOneLine"])
def test_each_kind_of_text_is_in_the_document_the_rule_the_server_applies(kind):
    adapter = TypeAdapter(getattr(fields, kind))
    pattern = adapter.json_schema()["pattern"]

    def taken(value: str) -> bool:
        try:
            adapter.validate_python(value)
        except ValidationError:
            return False
        return True

    said = {value: bool(re.search(pattern, value)) for value in SAMPLES}
    assert said == {value: taken(value) for value in SAMPLES}
    assert not said["a\x00b"] and said["Hej"]
