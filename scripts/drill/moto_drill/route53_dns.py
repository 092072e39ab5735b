"""DNS answers: what Route 53's name servers would answer for a name, from the record sets moto holds.

Patches no moto file: it reads moto's hosted zones (moto/route53/models.py FakeZone.rrsets) and the
health evaluation of route53_health.py. GET /drill/dns?name=<fqdn>&type=A (control.py) and the
loopback DNS responder (dns_responder.py) answer with it. As Route 53 does:
- the zone is the longest seeded zone the name is in (a public one first); a name in no zone is REFUSED,
  a name with no record NXDOMAIN, a name with records of other types only an empty answer (NODATA);
- a CNAME is followed, and an alias answers with what its target answers;
- failover records: the PRIMARY while it is healthy, else the SECONDARY when that is healthy, else the
  PRIMARY (Route 53 answers with the primary when both are unhealthy). A record is healthy when its
  health check is (when it has one) and, for an alias with EvaluateTargetHealth, its target is:
  a name of the zone by the records Route 53 would choose for it, a resource the drill did not create
  (a load balancer, a distribution) unless the region that serves the alias's own name is lost
  (route53_health.region_lost);
- simple records answer whatever their health. Weighted, latency, geolocation and multivalue records
  are not simulated (the answer says so); wildcards, delegations and TTLs neither.
An alias to a resource the drill did not create answers one stand-in address per target name, the same
on every query: 198.18.0.0/15 for A, 2001:2::/48 for AAAA (benchmarking ranges, never routed). The world
seeds such an alias without its target (its names are drill-unseeded placeholders, which the server
drops): a record with neither alias nor values answers a stand-in for its own name, and counts as an
alias that evaluates target health (healthy unless the region serving its name is lost).
"""

from __future__ import annotations

import hashlib
from typing import Any

from .route53_health import backend, dns_name, endpoint_regions, health, region_lost
from .state import lock

_MAX_CHAIN = 8


class DnsNotSimulated(Exception):
    pass


def _is_true(value: Any) -> bool:
    return str(value).lower() == "true"


def _zone_for(name: str) -> Any:
    zones = [
        zone
        for zone in backend().zones.values()
        if name == dns_name(zone.name) or name.endswith("." + dns_name(zone.name))
    ]
    zones.sort(key=lambda zone: (-len(dns_name(zone.name)), bool(zone.private_zone)))
    return zones[0] if zones else None


def _stand_in(name: str, rtype: str) -> list[str]:
    digest = hashlib.sha256(name.encode()).digest()
    if rtype == "A":
        return [f"198.{18 + digest[0] % 2}.{digest[1]}.{digest[2]}"]
    if rtype == "AAAA":
        return [f"2001:2:0:{digest[0]:x}{digest[1]:02x}::{digest[2]:x}{digest[3]:02x}"]
    return []


def _describe(record: Any, healthy: bool, why: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": record.name, "type": record.type, "healthy": healthy, "why": why}
    for key, value in (
        ("setIdentifier", record.set_identifier),
        ("failover", record.failover),
        ("healthCheckId", record.health_check_id),
        ("aliasTarget", (record.alias_target or {}).get("DNSName")),
    ):
        if value:
            entry[key] = value
    return entry


def _record_health(record: Any, depth: int) -> tuple[bool, str]:
    healthy, reasons = True, []
    if record.health_check_id:
        ok, why = health(record.health_check_id)
        healthy, reasons = healthy and ok, reasons + [f"health check {record.health_check_id}: {why}"]
    alias = record.alias_target or {}
    if not alias and not record.records:  # seeded without its target (an alias to an unseeded load balancer)
        lost, why = region_lost(dns_name(record.name))
        healthy, reasons = healthy and not lost, reasons + [f"target not seeded, healthy unless its region is lost: {why}"]
    elif alias and _is_true(alias.get("EvaluateTargetHealth")):
        ok, why = _target_health(dns_name(alias["DNSName"]), record.type, dns_name(record.name), depth)
        healthy, reasons = healthy and ok, reasons + [f"target {alias['DNSName']}: {why}"]
    return healthy, "; ".join(reasons) or "no health check, target health not evaluated: healthy"


def _target_health(target: str, rtype: str, owner: str, depth: int) -> tuple[bool, str]:
    zone = _zone_for(target)
    if zone is None:
        lost, why = region_lost(owner)
        return not lost, f"a resource the drill did not create, healthy unless its region is lost ({why})"
    records = [r for r in zone.rrsets if dns_name(r.name) == target and r.type == rtype]
    if not records:
        return False, f"no {rtype} record"
    _, healthy, why = _choose(records, depth + 1)
    return healthy, why


def _choose(records: list[Any], depth: int) -> tuple[Any, bool, str]:
    """The record Route 53 answers with among `records` (one name and type), its health, and why."""
    if depth > _MAX_CHAIN:
        raise DnsNotSimulated(f"alias chain longer than {_MAX_CHAIN} at {records[0].name}")
    if len(records) == 1 and not records[0].set_identifier:
        return (records[0], *_record_health(records[0], depth))
    if any(not record.failover for record in records):
        raise DnsNotSimulated(f"{records[0].name} {records[0].type}: only simple and failover routing are simulated")
    primary = next((r for r in records if r.failover == "PRIMARY"), None)
    secondary = next((r for r in records if r.failover == "SECONDARY"), None)
    if primary is not None:
        healthy, why = _record_health(primary, depth)
        if healthy or secondary is None:
            return primary, healthy, f"PRIMARY {'healthy' if healthy else 'unhealthy, no SECONDARY'}: {why}"
    if secondary is None:
        raise DnsNotSimulated(f"{records[0].name}: failover records without a PRIMARY or SECONDARY")
    ok, second_why = _record_health(secondary, depth)
    if ok or primary is None:
        return secondary, ok, f"PRIMARY unhealthy ({why if primary else 'none'}); SECONDARY: {second_why}"
    return primary, False, f"both unhealthy, Route 53 answers the PRIMARY: {why}; SECONDARY: {second_why}"


def _resolve(name: str, rtype: str, path: list[dict[str, Any]], depth: int) -> tuple[list[str], str, str]:
    """Values, rcode and the last name of the chain."""
    if depth > _MAX_CHAIN:
        raise DnsNotSimulated(f"CNAME or alias chain longer than {_MAX_CHAIN} at {name}")
    zone = _zone_for(name)
    if zone is None:  # an alias target the drill did not create: it answers for itself
        return _stand_in(name, rtype), "NOERROR", name
    here = [record for record in zone.rrsets if dns_name(record.name) == name]
    if not here:
        return [], "NXDOMAIN", name
    cnames = [record for record in here if record.type == "CNAME"]
    wanted = cnames if cnames and rtype != "CNAME" else [record for record in here if record.type == rtype]
    if not wanted:
        return [], "NOERROR", name
    record, healthy, why = _choose(wanted, depth)
    path.append(_describe(record, healthy, why))
    if record.alias_target:
        return _resolve(dns_name(record.alias_target["DNSName"]), rtype, path, depth + 1)
    if not record.records:  # seeded without its target: it answers for itself
        return _stand_in(name, rtype), "NOERROR", name
    if record.type == "CNAME" and rtype != "CNAME":
        values, rcode, last = _resolve(dns_name(record.records[0]), rtype, path, depth + 1)
        return values, rcode, last
    return list(record.records), "NOERROR", name


def name_servers() -> set[str]:
    """The names of the seeded zones' name servers (their NS records)."""
    with lock:
        return {
            dns_name(value)
            for zone in backend().zones.values()
            for record in zone.rrsets
            if record.type == "NS" and dns_name(record.name) == dns_name(zone.name)
            for value in record.records or []
        }


def answer(name: str, rtype: str = "A") -> dict[str, Any]:
    """What Route 53 answers for `name` and `rtype` now, with the records it chose and why."""
    query, rtype = dns_name(name), rtype.upper()
    with lock:
        if _zone_for(query) is None:
            return {"name": query, "type": rtype, "rcode": "REFUSED", "values": [], "path": [], "target": query}
        path: list[dict[str, Any]] = []
        try:
            values, rcode, target = _resolve(query, rtype, path, 0)
        except DnsNotSimulated as error:
            return {"name": query, "type": rtype, "rcode": "NOTIMP", "values": [], "path": path, "error": str(error)}
        regions = endpoint_regions()
        names = [target] + [dns_name(step["name"]) for step in reversed(path)]
        region = next((regions[n] for n in names if n in regions), None)
        result = {"name": query, "type": rtype, "rcode": rcode, "values": values, "path": path, "target": target}
        return {**result, "region": region} if region else result
