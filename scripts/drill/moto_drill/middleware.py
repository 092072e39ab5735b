"""The WSGI middleware in front of moto's app (moto/moto_server/werkzeug_app.py).

It reads the region and service every request is signed for (its SigV4 credential scope), which
covers the drill's own calls, the aws CLI's and Step Functions' task calls alike, since those come
back over HTTP too. A lost region answers 503 to everything signed for it; a fault answers its error
to the calls it matches (faults.py). Every AWS request is logged with its virtual time and who sent
it. Paths under /drill/ go to the control API (control.py); POST /moto-api/reset also clears the
drill's world.
"""

from __future__ import annotations

import io
import re
import urllib.parse
from typing import Any

from .clock import vnow_ms
from .control import OBSERVER_AGENT, ControlApi
from .faults import error_response, matching_fault
from .promotions import apply_due
from .state import STATE, lock, reset_drill_state

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


def _source(user_agent: str) -> str:
    if OBSERVER_AGENT in user_agent:
        return "observer"
    return "cli" if "aws-cli/" in user_agent else "sdk"


def _action(environ: dict, body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.split(".")[-1]
    path = environ.get("PATH_INFO", "")
    if "/operation/" in path:  # smithy-rpc-v2-cbor (CloudWatch)
        return path.rsplit("/", 1)[-1]
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    return f"{environ.get('REQUEST_METHOD', '')} {path}"


class DrillMiddleware:
    def __init__(self, app: Any, port: int):
        self.app = app
        self.control = ControlApi(port)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/drill/"):
            return self.control(environ, start_response, path)
        if path == "/moto-api/reset":  # moto forgets its resources: the drill forgets its world too
            reset_drill_state()
        match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not match:
            return self.app(environ, start_response)
        region, service = match.groups()
        apply_due()  # a promotion that is due has happened, whichever API looks next
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        action = _action(environ, body)
        source = _source(environ.get("HTTP_USER_AGENT", ""))
        if source == "observer":
            return self.app(environ, start_response)
        entry = {"at": vnow_ms(), "region": region, "service": service, "action": action, "source": source}
        with lock:
            STATE["requests"].append(entry)
            del STATE["requests"][:-50_000]
        refusal = None
        if region in STATE["lostRegions"]:
            refusal = (503, "ServiceUnavailable", f"drill: region {region} is lost ({service} {action} refused)")
        else:
            fault = matching_fault(region, service, action)
            if fault is not None:
                refusal = (fault.get("status", 400), fault["code"], fault.get("message") or f"drill: injected {fault['code']}")
        if refusal is not None:
            entry["status"] = refusal[0]
            status_line, headers, error_body = error_response(environ, service, *refusal)
            start_response(status_line, headers)
            return [error_body]

        def recording_start_response(status: str, headers: list, *args: Any) -> Any:
            entry["status"] = int(status.split()[0])
            return start_response(status, headers, *args)

        return self.app(environ, recording_start_response)
