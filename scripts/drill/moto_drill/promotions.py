"""Simulated promotions: a global failover or switchover completes once its promotion time has
passed on the virtual clock (DRILL_PROMOTION_SECONDS, or POST /drill/config's promotionSeconds).

Patches no moto file; rds_global.py and elasticache_global.py schedule here, and every AWS request
(middleware.py) and every read of a global cluster or datastore applies what is due first.
"""

from __future__ import annotations

from typing import Any, Callable

from .clock import vnow_ms
from .state import STATE, lock


def schedule(service: str, callback: Callable[[], None]) -> None:
    """Runs `callback` once the promotion time of `service` has passed; never when it is null (stuck)."""
    seconds = STATE["promotionSeconds"].get(service)
    if seconds is not None:
        with lock:
            STATE["pending"].append((vnow_ms() + float(seconds) * 1000, callback))


def apply_due() -> None:
    """Completes every promotion that is due."""
    with lock:
        now = vnow_ms()
        due = [callback for at, callback in STATE["pending"] if at <= now]
        STATE["pending"] = [(at, callback) for at, callback in STATE["pending"] if at > now]
    for callback in due:
        callback()


def region_of_arn(arn: str) -> str:
    return arn.split(":")[3] if arn.startswith("arn:") else ""


def is_true(value: Any) -> bool:
    """A request parameter's boolean, which moto hands over as a string or a bool."""
    return str(value).lower() == "true"
