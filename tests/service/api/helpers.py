"""Helpers shared by the API tests: a short article and the problem+json check."""
from __future__ import annotations

from service.api.schemas import ProblemSchema

ARTICLE = (
    "Officials met in Tokyo on Monday. They discussed trade and security.\n\n"
    "The talks will continue next month. A joint statement is expected soon."
)


def assert_problem(response, status: int, code: str | None = None) -> dict:
    """The response is RFC 9457 problem+json with this status (and code)."""
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    body = ProblemSchema().load(response.get_json(force=True))
    assert body["status"] == status
    assert body["type"] == f"/problems/{body['code']}"
    if code is not None:
        assert body["code"] == code
    return body


# API keys of the tenancy tests: two of team desk, one of team wire, one without a team, a reader, an admin.
TEAM_KEYS = {"desk": {"team": "desk"}, "desk2": {"team": "desk"}, "wire": {"team": "wire"}, "solo": {},
             "reader": {"team": "desk", "role": "reader"}, "admin": {"role": "admin"}}
