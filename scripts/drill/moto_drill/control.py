"""The drill's control API, under /drill/ (scripts/drill/drill-server.ts is its client).

Patches no moto file; the middleware (middleware.py) routes /drill/ paths here, before moto sees them.

    GET  /drill/state         the clock, lost regions, faults, health, promotion settings, the DNS responder's port
    GET  /drill/requests      the request log (?since=<virtual epoch ms>)
    POST /drill/call          one AWS call by botocore, as the observer: {service, region, action, params, conform}
    POST /drill/reset         forgets lost regions, faults, health, the log, promotions
    POST /drill/snapshot      keeps a copy of moto's backends and the drill's world, after the seed (snapshot.py)
    POST /drill/restore       {id}: puts a fresh copy of that snapshot back, in place of a reset and the seed
    POST /drill/lost-regions  {regions}: every request signed for them answers 503
    POST /drill/faults        {faults}: replaces the injected faults
    POST /drill/health        {"<health check id>": bool}: false fails the check (route53_health.py)
    POST /drill/endpoints     {"<endpoint name>": "<region>"}: where each endpoint is served
    GET  /drill/dns           what Route 53 answers (?name=<fqdn>&type=A; route53_dns.py)
    POST /drill/clock         {advanceSeconds}: time passes, as between an operator's two attempts
    POST /drill/config        {timeScale, promotionSeconds, cacheFailoverNeedsPrimary}
    POST /drill/alarms/evaluate  {region, names}: each metric alarm evaluated now from its stored datapoints (alarm_eval.py)
"""

from __future__ import annotations

import base64
import datetime
import json
import urllib.parse
from typing import Any

from botocore import xform_name

from . import dns_responder, snapshot
from .alarm_eval import evaluate_on_request
from .casing import operation_model
from .clock import reach, vnow_ms
from .conform import conform
from .route53_dns import answer as dns_answer
from .route53_health import dns_name, endpoint_regions
from .state import STATE, lock, reset_drill_state

OBSERVER_AGENT = "drill-observer"  # the drill's own /drill/call client: sees through losses and faults


class DrillCallError(Exception):
    def __init__(self, code: str, message: str, dropped: list | None = None):
        super().__init__(message)
        self.details = {"code": code, "message": message, "dropped": dropped or []}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, set):
        return sorted(value)
    if hasattr(value, "read"):
        return value.read().decode("utf-8", "replace")
    return str(value)


class ControlApi:
    def __init__(self, port: int):
        self.port = port
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, environ: dict, start_response: Any, path: str) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
            status, answer = "200 OK", self._answer(method, path, body, environ)
        except DrillCallError as error:
            status, answer = "400 Bad Request", {"error": error.details}
        except Exception as error:  # a bug or bad input of the drill: say what, never hang
            status, answer = "500 Internal Server Error", {"error": {"code": type(error).__name__, "message": str(error)}}
        if answer is None:
            status, answer = "404 Not Found", {"error": {"code": "NotFound", "message": f"{method} {path}"}}
        data = json.dumps(answer, default=_json_default).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _answer(self, method: str, path: str, body: Any, environ: dict) -> Any:
        if method == "GET" and path == "/drill/state":
            return self._state()
        if method == "GET" and path == "/drill/requests":
            since = float(urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("since", ["0"])[0])
            with lock:
                return {"requests": [r for r in STATE["requests"] if r["at"] >= since]}
        if method == "GET" and path == "/drill/dns":
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            return dns_answer(query.get("name", [""])[0], query.get("type", ["A"])[0])
        if method != "POST":
            return None
        if path == "/drill/call":  # outside the lock: the call comes back through the middleware
            return self._call(body)
        if path in ("/drill/snapshot", "/drill/restore"):  # outside the lock: a restore waits for threads that take it
            try:
                return snapshot.take() if path == "/drill/snapshot" else snapshot.restore(int(body["id"]))
            except snapshot.SnapshotRefused as error:
                raise DrillCallError("SnapshotRefused", str(error)) from error
        with lock:
            if path == "/drill/reset":
                reset_drill_state()
            elif path == "/drill/lost-regions":
                STATE["lostRegions"] = set(body.get("regions", []))
            elif path == "/drill/faults":
                STATE["faults"] = [
                    {**fault, "hits": 0, "remaining": fault.get("times")} for fault in body.get("faults", [])
                ]
            elif path == "/drill/health":
                STATE["health"].update({key: bool(value) for key, value in body.items()})
            elif path == "/drill/endpoints":
                endpoint_regions().update({dns_name(name): str(region) for name, region in body.items()})
            elif path == "/drill/clock":  # time passes, as between an operator's two attempts
                reach(vnow_ms() + float(body.get("advanceSeconds", 0)) * 1000)
            elif path == "/drill/alarms/evaluate":
                return {"alarms": evaluate_on_request(str(body["region"]), [str(name) for name in body.get("names", [])])}
            elif path == "/drill/config":
                for key in ("timeScale", "cacheFailoverNeedsPrimary", "holdClock"):
                    if key in body:
                        STATE[key] = body[key]
                STATE["promotionSeconds"].update(body.get("promotionSeconds", {}))
            else:
                return None
            return self._state()

    def _state(self) -> dict:
        with lock:
            return {
                "nowMs": vnow_ms(),
                "lostRegions": sorted(STATE["lostRegions"]),
                "faults": STATE["faults"],
                "health": STATE["health"],
                "timeScale": STATE["timeScale"],
                "promotionSeconds": STATE["promotionSeconds"],
                "cacheFailoverNeedsPrimary": STATE["cacheFailoverNeedsPrimary"],
                "pendingPromotions": len(STATE["pending"]),
                "dnsPort": dns_responder.PORT,
            }

    def _call(self, body: dict) -> dict:
        """One AWS call by botocore, as the drill's observer: {service, region, action, params, conform}."""
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError

        service, region, action = body["service"], body["region"], body["action"]
        operation = operation_model(service, action)
        if operation is None:
            raise DrillCallError("UnknownOperation", f"{service} has no operation {action}")
        params, dropped = body.get("params") or {}, []
        if body.get("conform") and operation.input_shape is not None:
            params = conform(params, operation.input_shape, "", dropped)
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                region_name=region,
                endpoint_url=f"http://127.0.0.1:{self.port}",
                aws_access_key_id="drill",
                aws_secret_access_key="drill",
                config=Config(
                    user_agent_extra=OBSERVER_AGENT,
                    parameter_validation=False,
                    retries={"total_max_attempts": 1},
                ),
            )
        try:
            result = getattr(self._clients[key], xform_name(operation.name))(**params)
        except ClientError as error:
            raise DrillCallError(error.response["Error"].get("Code", "Unknown"), str(error), dropped) from error
        result.pop("ResponseMetadata", None)
        return {"result": result, "dropped": dropped}
