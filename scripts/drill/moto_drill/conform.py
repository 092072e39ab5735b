"""CloudFormation properties as an API request, for POST /drill/call with `conform` (control.py).

Patches no moto file: it reads botocore's shapes (the operation's input shape) to turn a resource's
properties from the synthesized template into the parameters of a call that reads it back.
"""

from __future__ import annotations

from typing import Any

UNSEEDED = "drill-unseeded"  # the harness's marker for a name or ARN of a resource it did not create
MISSING = object()  # what does not fit: left out of the request


def _unseeded(value: Any) -> bool:
    if isinstance(value, str):
        return UNSEEDED in value
    if isinstance(value, dict):
        return any(_unseeded(v) for v in value.values())
    if isinstance(value, list):
        return any(_unseeded(v) for v in value)
    return False


def conform(value: Any, shape: Any, path: str, dropped: list) -> Any:
    """CloudFormation properties as an API request: members matched whatever their case, scalars
    converted to the member's type, and dropped (and listed) what the API does not take, what does
    not fit its shape, and optional members that name a resource the drill did not create."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            dropped.append(path)
            return MISSING
        members = {name.lower(): name for name in shape.members}
        required = set(shape.required_members)
        out = {}
        for key, item in value.items():
            name = members.get(key.lower())
            where = f"{path}.{key}" if path else key
            if name is None or (name not in required and _unseeded(item)):
                dropped.append(where)
                continue
            converted = conform(item, shape.members[name], where, dropped)
            if converted is not MISSING:
                out[name] = converted
        return out
    if kind == "list":
        if not isinstance(value, list):
            dropped.append(path)
            return MISSING
        items = [conform(item, shape.member, f"{path}[{i}]", dropped) for i, item in enumerate(value)]
        return [item for item in items if item is not MISSING]
    if kind == "map":
        if not isinstance(value, dict):
            dropped.append(path)
            return MISSING
        return {k: v for k, v in ((k, conform(v, shape.value, f"{path}.{k}", dropped)) for k, v in value.items()) if v is not MISSING}
    if isinstance(value, (dict, list)):
        dropped.append(path)
        return MISSING
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("double", "float"):
            return float(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except (TypeError, ValueError):
        dropped.append(path)
        return MISSING
    return str(value).lower() if isinstance(value, bool) else value
