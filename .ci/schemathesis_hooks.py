"""Schemathesis hooks for .ci/schemathesis (loaded through `hooks` in schemathesis.toml).

The auth provider logs in with POST /api/v1/auth/login as the user named by SCHEMATHESIS_EMAIL
and SCHEMATHESIS_PASSWORD, on the base URL of the run (`--url`), and puts the access token on
every operation that takes a bearer token.

The token is cached for 10 minutes (access tokens last 15). When a request with it answers 401
(the token expired, or the user was logged out or deactivated), Schemathesis drops the cached
token, calls `get` again (a new login) and replays the request once (`retry_on`). Operations
that take no token (login, refresh, logout, health, public reads) get none: a 401 there is about
the request, never about this login.
"""

from __future__ import annotations

import ast
import os
import re
import threading
import uuid

import requests
import schemathesis

# CPython 3.11 keeps the AST constructor's recursion depth in state shared by all threads, so
# two workers that parse at once (Hypothesis parses lambda sources to describe strategies) can
# fail with "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905).
# One parse at a time avoids it.
_AST_LOCK = threading.Lock()
_ast_parse = ast.parse


def _locked_parse(*args, **kwargs):
    with _AST_LOCK:
        return _ast_parse(*args, **kwargs)


ast.parse = _locked_parse

LOGIN_PATH = "/api/v1/auth/login"


def _credentials() -> tuple[str, str]:
    email = os.environ.get("SCHEMATHESIS_EMAIL", "")
    password = os.environ.get("SCHEMATHESIS_PASSWORD", "")
    if not email or not password:
        raise RuntimeError(
            "set SCHEMATHESIS_EMAIL and SCHEMATHESIS_PASSWORD (see .ci/schemathesis)"
        )
    return email, password


def _takes_no_token(ctx) -> bool:
    """Operations that declare `security: []`: nothing to authenticate."""
    raw = ctx.operation.definition.raw
    return isinstance(raw, dict) and raw.get("security") == []


@schemathesis.auth(refresh_interval=600, retry_on=[401]).skip_for(_takes_no_token)
class MobilityLogin:
    def get(self, case, context):
        email, password = _credentials()
        base_url = context.operation.schema.get_base_url().rstrip("/")
        response = requests.post(
            f"{base_url}{LOGIN_PATH}",
            json={"email": email, "password": password},
            timeout=30,
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"POST {LOGIN_PATH} as {email} answered {response.status_code}: {response.text[:300]}"
            )
        return response.json()["access_token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


# An Idempotency-Key makes the server answer a retry with the first response, and refuses the
# key for any other request (422 `idempotency.key_reused`). Generated keys repeat (Hypothesis
# shrinks strings to "0"), so two unrelated requests would share one and the second would be
# refused for a reason no schema can show. Each well-formed generated key is therefore made
# unique per call; malformed ones are sent as generated (the server must refuse them with 400).
_KEY_HEADER = "idempotency-key"
_WELL_FORMED_KEY = re.compile(r"^[!-~]{1,255}$")


# A stateful step follows a link with the value the previous response held; where that value
# was null (a user or API token without an organisation), it would ask for `/organisations/None`,
# a request no client makes. Such a path parameter gets an id that names nothing (404).


@schemathesis.hook
def before_call(context, case, **kwargs):
    params = case.path_parameters or {}
    for name, value in list(params.items()):
        if value is None or value == "None":
            params[name] = str(uuid.uuid4())
    headers = case.headers or {}
    for name in list(headers):
        value = headers[name]
        if (
            name.lower() == _KEY_HEADER
            and isinstance(value, str)
            and _WELL_FORMED_KEY.match(value.strip())
        ):
            headers[name] = f"st-{uuid.uuid4()}"

