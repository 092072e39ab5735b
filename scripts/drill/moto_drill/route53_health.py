"""Route 53 health evaluation over the seeded health checks: moto stores them and evaluates none.

Patches moto/route53/responses.py: CreateHealthCheck keeps AlarmIdentifier and
InsufficientDataHealthStatus, which moto's HealthCheck (moto/route53/models.py) drops, and
GetHealthCheck returns them; GetHealthCheckStatus answers from this evaluation.

How a check's health is decided (at once: the checkers' interval and FailureThreshold are not waited for):
- any check that POST /drill/health {"<id>": false} marks is failing; a disabled check is healthy (as in AWS);
- HTTP(S)/TCP endpoint checks are healthy unless the region their endpoint is in is lost. Route 53
  knows no region: POST /drill/endpoints {"<name>": "<region>"} says where each endpoint name is
  served (the drill reads it from the assembly: the stack that creates the name's record); a name it
  does not list is healthy;
- CLOUDWATCH_METRIC checks read their alarm (AlarmIdentifier name and region), evaluated by
  alarm_eval.py: ALARM unhealthy, OK healthy, INSUFFICIENT_DATA as InsufficientDataHealthStatus says
  (LastKnownStatus: the last OK or ALARM seen, and healthy for a new check, as in AWS);
- CALCULATED checks are healthy when at least HealthThreshold of their ChildHealthChecks are;
- Inverted turns the result over; RECOVERY_CONTROL checks are healthy (not simulated).
"""

from __future__ import annotations

import datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.route53.models import HealthCheck, route53_backends
from moto.route53.responses import Route53

from . import alarm_eval
from .clock import vnow_ms
from .state import STATE, lock

_ENDPOINT_TYPES = {"HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"}


def dns_name(name: str) -> str:
    """A DNS name as the drill compares them: lower case, no trailing dot."""
    return name.strip().rstrip(".").lower()


def endpoint_regions() -> dict[str, str]:
    """Where each endpoint name is served (POST /drill/endpoints); cleared with the drill's world."""
    with lock:
        return STATE.setdefault("endpointRegions", {})


def region_lost(name: str) -> tuple[bool, str]:
    """Whether the region that serves endpoint `name` is lost, and why."""
    region = endpoint_regions().get(dns_name(name))
    if region is None:
        return False, f"{name} is served in no region the drill knows: healthy"
    if region in STATE["lostRegions"]:
        return True, f"{name} is served in {region}, which is lost"
    return False, f"{name} is served in {region}, which answers"


def backend() -> Any:
    return route53_backends[alarm_eval.account()]["aws"]


def health(check_id: str, seen: frozenset[str] = frozenset()) -> tuple[bool, str]:
    """Whether health check `check_id` is healthy now, and why."""
    check = backend().health_checks.get(check_id)
    if check is None or check_id in seen:
        return False, f"health check {check_id} does not exist" if check is None else f"{check_id} is its own child"
    if STATE["health"].get(check_id, True) is False:
        return False, "marked failing by the drill (POST /drill/health)"
    if check.disabled:
        return True, "disabled: Route 53 considers a disabled check healthy"
    kind = check.type_
    if kind in _ENDPOINT_TYPES:
        lost, why = region_lost(check.fqdn or check.ip_address or "")
        healthy = not lost
    elif kind == "CALCULATED":
        children = [(child, *health(child, seen | {check_id})) for child in check.children or []]
        count = sum(1 for _, ok, _ in children if ok)
        threshold = int(check.health_threshold if check.health_threshold is not None else len(children))
        healthy = count >= threshold
        why = f"{count} of {len(children)} children healthy, {threshold} needed: " + "; ".join(
            f"{child} {'healthy' if ok else 'unhealthy'} ({reason})" for child, ok, reason in children
        )
    elif kind == "CLOUDWATCH_METRIC":
        healthy, why = _alarm_health(check)
    else:
        healthy, why = True, f"{kind} checks are not simulated: healthy"
    if check.inverted:
        return not healthy, f"inverted: {why}"
    return healthy, why


def _alarm_health(check: HealthCheck) -> tuple[bool, str]:
    identifier = getattr(check, "drill_alarm", None) or {}
    name, region = identifier.get("Name"), identifier.get("Region")
    if not name or not region:
        return False, "no AlarmIdentifier"
    state, reason = alarm_eval.evaluate_named(name, region)
    if state in ("OK", "ALARM"):
        check.drill_last_known = state == "OK"
        return state == "OK", f"alarm {name} ({region}) is {state}: {reason}"
    setting = getattr(check, "drill_insufficient", None) or "LastKnownStatus"
    healthy = {"Healthy": True, "Unhealthy": False}.get(setting, getattr(check, "drill_last_known", True))
    return healthy, f"alarm {name} ({region}) is {state or 'missing'}: InsufficientDataHealthStatus {setting}"


def alarms_read(region: str) -> list[str]:
    """Names of the alarms of `region` that a CLOUDWATCH_METRIC health check reads."""
    names = []
    for check in list(backend().health_checks.values()):
        identifier = getattr(check, "drill_alarm", None) or {}
        if identifier.get("Region") == region and identifier.get("Name"):
            names.append(identifier["Name"])
    return names


def install() -> None:
    original_create = Route53.create_health_check
    original_config = HealthCheck.health_check_config.fget

    def create_health_check(self: Route53) -> ActionResult:
        result = original_create(self)
        config = self._get_param("HealthCheckConfig") or {}
        check = result.result["HealthCheck"]
        check.drill_alarm = config.get("AlarmIdentifier")
        check.drill_insufficient = config.get("InsufficientDataHealthStatus")
        return result

    def health_check_config(self: HealthCheck) -> dict[str, Any]:
        config = original_config(self)
        if getattr(self, "drill_alarm", None):
            config["AlarmIdentifier"] = self.drill_alarm
        if getattr(self, "drill_insufficient", None):
            config["InsufficientDataHealthStatus"] = self.drill_insufficient
        return config

    def health_check_status(self: Route53) -> ActionResult:
        check_id = self._get_param("HealthCheckId")
        self.backend.get_health_check(check_id)  # NoSuchHealthCheck
        healthy, why = health(check_id)
        status = f"Success: HTTP Status Code: 200 (drill: {why})" if healthy else f"Failure: {why} (drill)."
        checked = datetime.datetime.fromtimestamp(vnow_ms() / 1000, datetime.timezone.utc)
        # One observation: the drill's checkers all see the same thing at once.
        observation = {"Region": "us-east-1", "IPAddress": "127.0.13.37", "StatusReport": {"Status": status, "CheckedTime": checked}}
        return ActionResult({"HealthCheckObservations": [observation]})

    Route53.create_health_check = create_health_check
    HealthCheck.health_check_config = property(health_check_config)
    Route53.get_health_check_status = health_check_status
    alarm_eval.install(alarms_read)
