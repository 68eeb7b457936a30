"""The OpenAPI document tells the truth: schemathesis drives every documented
operation of a real server with generated requests (valid and invalid), as a
member with a real credential on a real board, and checks each answer against
the document: no 5xx, only documented statuses, content types, bodies and
headers. Bounded in examples so the run stays short."""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from samskapa.app import create_app
from samskapa.settings import Settings
from tests.client import create_board, join
from tests.services import ServerProcess

# Examples per operation and mode (17 runs of this many requests in all).
EXAMPLES = 15


@dataclass
class Api:
    server: ServerProcess
    board_id: str
    credential: str


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("openapi")
    # Without the per-address limits on creating and joining: a few hundred
    # generated requests would spend them, and a 429 would then answer requests
    # whose authentication schemathesis checks (the limits have their own tests).
    limits_off = {
        "SAMSKAPA_CREATE_BOARDS_PER_MINUTE": "0",
        "SAMSKAPA_JOINS_PER_MINUTE": "0",
    }
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp / 'db.sqlite'}", tmp / "data", env=limits_off
    ).start()
    try:
        board = create_board(server.http)
        facilitator = join(server.http, board, "facilitator", "Lina")
        yield Api(server, board["board_id"], facilitator["credential"])
    finally:
        server.stop()


def _operations() -> list[tuple[str, str, GenerationMode]]:
    """The documented operations, read from the app without starting it: each with
    valid requests, and with invalid ones where it takes a body or a query."""
    doc = create_app(Settings()).openapi()
    return [
        (method, path, mode)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        for mode in GenerationMode
        if mode is GenerationMode.POSITIVE
        or "requestBody" in op
        or any(p["in"] == "query" for p in op.get("parameters", []))
    ]


@pytest.mark.parametrize(("method", "path", "mode"), _operations())
def test_every_operation_answers_as_documented(
    api: Api, method: str, path: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(f"{api.server.http}/openapi.json")
    operation = schema[path][method]
    secured = bool(operation.definition.raw.get("security"))
    board_id, credential = api.board_id, api.credential
    excluded = [positive_data_acceptance]
    if method.upper() == "DELETE":
        # Deleting (a board, a member) on a board of its own, so the other
        # operations keep a board to work on. Once the board is deleted, any
        # credential gets its 410, as any gets a missing board's 404: the check
        # that a wrong credential is refused with 401 does not apply.
        excluded.append(ignored_auth)
        board = create_board(api.server.http)
        board_id = board["board_id"]
        credential = join(api.server.http, board, "facilitator", "Lina")["credential"]
    strategy = operation.as_strategy(
        mode,
        # The real board and a facilitator's credential, so the checks reach past
        # 401 and 404 to the real answers (those two are tested in test_bad_input).
        path_parameters={"board_id": board_id} if "{board_id}" in path else None,
        headers={"Authorization": f"Bearer {credential}"} if secured else None,
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: schemathesis.Case) -> None:
        # A request the schema allows may still be refused for the board's state
        # (a seq beyond its log, a file that is no board file): a documented 4xx,
        # not a contradiction, so that heuristic check is left out.
        case.call_and_validate(base_url=api.server.http, excluded_checks=excluded)

    answers_as_documented()


def test_the_document_names_the_error_model_and_bearer_auth(api: Api) -> None:
    doc = httpx.get(f"{api.server.http}/openapi.json", timeout=10).json()
    assert doc["components"]["securitySchemes"]["member"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["member"]["description"],
    }
    assert "HTTPValidationError" not in str(doc)
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "500" in responses, (method, path)
            for status, answer in responses.items():
                if status.startswith(("4", "5")) and status != "503":
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, status)

    # Every number in the document has both bounds.
    def numbers(node: object) -> list[dict[str, object]]:
        if isinstance(node, dict):
            found = [node] if node.get("type") in ("integer", "number") else []
            return found + [n for v in node.values() for n in numbers(v)]
        if isinstance(node, list):
            return [n for v in node for n in numbers(v)]
        return []

    unbounded = [n for n in numbers(doc) if "minimum" not in n or "maximum" not in n]
    assert unbounded == []
    csv = doc["paths"]["/api/boards/{board_id}/notes.csv"]["get"]["responses"]["200"]
    assert list(csv["content"]) == ["text/csv"]
    events = doc["paths"]["/api/boards/{board_id}/events"]["get"]["parameters"]
    after = next(p for p in events if p["name"] == "after")["schema"]
    assert (after["minimum"], after["maximum"]) == (0, 2**53 - 1)


def test_a_huge_after_is_a_400_with_a_stable_code(api: Api) -> None:
    auth = {"Authorization": f"Bearer {api.credential}"}
    for after in (2**53, 2**64, 10**30):
        r = httpx.get(
            f"{api.server.http}/api/boards/{api.board_id}/events",
            params={"after": after},
            headers=auth,
            timeout=10,
        )
        assert (r.status_code, r.json()["code"]) == (400, "invalid_message")


def test_unknown_paths_and_methods_answer_in_the_error_shape(api: Api) -> None:
    r = httpx.get(f"{api.server.http}/api/nothing-here", timeout=10)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = httpx.delete(f"{api.server.http}/api/templates", timeout=10)
    assert (r.status_code, r.json()["code"]) == (405, "method_not_allowed")
