"""Refusals: the injected fault a request matches, and an AWS error body for any refusal.

Patches no moto file; the middleware (middleware.py) answers with these instead of calling moto.
The error body is one botocore parses for the request's protocol (JSON 1.0, smithy-rpc-v2-cbor,
rest-json, query/rest-xml), so a Step Functions task or the aws CLI sees a modelled AWS error.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from .state import STATE, lock

_REST_JSON = {"lambda", "apigateway", "eks", "scheduler"}
_REASONS = {
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def matching_fault(region: str, service: str, action: str) -> dict[str, Any] | None:
    """The first fault that matches the call and still answers, its counters moved on; else None."""
    with lock:
        for fault in STATE["faults"]:
            if fault["service"] != service or fault["action"].lower() != action.lower():
                continue
            if fault.get("region") not in (None, region) or fault["remaining"] == 0:
                continue
            fault["hits"] += 1
            if fault["remaining"] is not None:
                fault["remaining"] -= 1
            return fault
    return None


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    size = len(data)
    head = bytes([0x60 + size]) if size < 24 else bytes([0x78, size]) if size < 256 else bytes([0x79]) + size.to_bytes(2, "big")
    return head + data


def error_response(environ: dict, service: str, status: int, code: str, message: str) -> tuple[str, list, bytes]:
    """An error body botocore parses for the request's protocol, so a task sees a modelled AWS error."""
    status_line = f"{status} {_REASONS.get(status, 'Error')}"
    if environ.get("HTTP_X_AMZ_TARGET"):
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-query-error", f"{code};Sender")]
    elif "cbor" in environ.get("CONTENT_TYPE", "") or environ.get("HTTP_SMITHY_PROTOCOL"):
        body = bytes([0xA2]) + _cbor_text("__type") + _cbor_text(code) + _cbor_text("message") + _cbor_text(message)
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    elif service in _REST_JSON:
        body = json.dumps({"message": message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
    else:  # query and rest-xml
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    return status_line, headers + [("Content-Length", str(len(body)))], body
