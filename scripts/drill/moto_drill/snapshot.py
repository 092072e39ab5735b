"""The seeded world, kept once and put back before each later scenario instead of seeding it again.

Patches no moto file. Seeding the world from the assembly costs about 3 s of moto's CPU per
scenario; a deep copy of what the seed made costs a fraction of that. POST /drill/snapshot (control.py)
takes a copy, right after the seed, of every backend moto holds (each BackendDict in use, by account
and region) and of the drill's world (state.py) but its settings. POST /drill/restore puts a fresh copy
of it back, as POST /moto-api/reset followed by the seed would leave the server:

- every running Step Functions execution is stopped and its threads waited for, so nothing of the
  previous scenario runs on, calls a service or lands in the request log after the restore;
- moto resets (its POST /moto-api/reset) and the drill's world is cleared (reset_drill_state), settings
  included: the scenario sets its own after the restore (POST /drill/config), as after a reset;
- each BackendDict gets a deep copy of its accounts as they were after the seed;
- the drill's world gets a copy of what the seed left in it (Global Datastores, endpoint regions, its
  log); the virtual clock is not turned back (nothing on it may run backwards), so the drill's own
  virtual stamps of the copy (alarm_eval.py: an alarm's creation and last evaluation, a datapoint's
  arrival; the log's times) move forward by the virtual time passed since the snapshot, and the
  world is as fresh as one seeded just now.

What is not copied but shared, through the deep copy's memo: the BackendDicts themselves (a backend that
refers to one must see the live one), locks and other threading objects (they cannot be copied, and a
copy of a lock some other code holds would not exclude it), cryptography key objects (kms_keys.py shares
one key pair per spec between all keys; they are immutable) and boto clients (sfn_clients.py). A
snapshot is refused while anything of the seed is still to happen: a pending promotion (a callback that
would act on the old objects) or a running execution (a live worker thread).
"""

from __future__ import annotations

import copy
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator

from .clock import vnow_ms
from .state import STATE, lock, reset_drill_state

# The drill's settings: set by POST /drill/config after a reset or a restore, never taken from the snapshot.
SETTINGS = ("timeScale", "promotionSeconds", "cacheFailoverNeedsPrimary", "holdClock")
# How long a restore waits, in real seconds, for the stopped executions' threads to end.
STOP_WAIT_SECONDS = 10.0


class SnapshotRefused(Exception):
    """The server is not in a state that can be kept: the message says why."""


@dataclass
class _Snapshot:
    """A copy of the seed: moto's accounts by BackendDict, the drill's world, what the copies share
    (`memo`), the types copied by hand (`special`) and the virtual time it was taken."""

    ident: int
    backends: dict[Any, dict]
    world: dict[str, Any]
    memo: dict[int, Any]
    special: set[type]
    taken_ms: float


_snapshot: _Snapshot | None = None
_copying = threading.Lock()


def _backend_dicts() -> list[Any]:
    """Every BackendDict moto's modules hold, in use or not: shared, never copied."""
    from moto.core.base_backend import BackendDict

    found: dict[int, Any] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("moto.") or module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, BackendDict):
                found[id(value)] = value
    for value in BackendDict._instances:  # type: ignore[misc]
        found[id(value)] = value
    return list(found.values())


def _shared_types() -> tuple[type, ...]:
    """Types whose objects are shared by the copies: they cannot be copied, or must not be."""
    import queue

    types: list[type] = [
        type(threading.Lock()),
        type(threading.RLock()),
        threading.Condition,
        threading.Event,
        threading.Semaphore,
        threading.Thread,
        queue.Queue,
    ]
    try:
        from botocore.client import BaseClient

        types.append(BaseClient)
    except ImportError:  # pragma: no cover - botocore comes with moto
        pass
    return tuple(types)


def _shared(value: Any, types: tuple[type, ...]) -> bool:
    return isinstance(value, types) or type(value).__module__.startswith("cryptography")


def _walk(roots: list[Any], types: tuple[type, ...], special: set[type]) -> Iterator[Any]:
    """Objects reachable from `roots` as deepcopy reaches them that must be shared, each once; the
    defaultdict subclasses met are added to `special`."""
    from collections import defaultdict

    import gc
    import types as pytypes

    atomic = (type, pytypes.ModuleType, pytypes.FunctionType, pytypes.BuiltinFunctionType, str, bytes, int, float, bool)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        value = stack.pop()
        if id(value) in seen or value is None or isinstance(value, atomic):
            continue
        seen.add(id(value))
        if _shared(value, types):
            yield value
            continue
        if isinstance(value, defaultdict) and type(value) is not defaultdict:
            special.add(type(value))
        stack.extend(gc.get_referents(value))


def _copy_defaultdict(value: Any, memo: dict[int, Any]) -> Any:
    """A defaultdict subclass whose __init__ takes other arguments (moto's ssm ParameterDict): its
    pickling protocol calls cls(default_factory), so it is copied by hand."""
    result = type(value).__new__(type(value))
    memo[id(value)] = result
    result.default_factory = value.default_factory
    result.__dict__.update(copy.deepcopy(value.__dict__, memo))
    for key, item in value.items():
        result[copy.deepcopy(key, memo)] = copy.deepcopy(item, memo)
    return result


def _copy(value: Any, memo: dict[int, Any], special: set[type]) -> Any:
    """A deep copy of `value`, the objects of `memo` shared and the types of `special` copied by hand."""
    dispatch = copy._deepcopy_dispatch  # type: ignore[attr-defined]
    with _copying:
        added = [cls for cls in special if cls not in dispatch]
        for cls in added:
            dispatch[cls] = _copy_defaultdict
        try:
            return copy.deepcopy(value, dict(memo))
        finally:
            for cls in added:
                del dispatch[cls]


def _running_executions() -> list[Any]:
    from moto.stepfunctions.parser.api import ExecutionStatus
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    running = []
    for _, _, backend in stepfunctions_parser_backends.iter_backends():
        for machine in list(backend.state_machines):
            for execution in list(getattr(machine, "executions", [])):
                if getattr(execution, "exec_worker", None) is not None and execution.exec_status == ExecutionStatus.RUNNING:
                    running.append(execution)
    return running


def _sfn_threads() -> list[threading.Thread]:
    """Live threads of moto's Step Functions interpreter: executions and their branches."""
    threads = []
    for thread in threading.enumerate():
        target = getattr(thread, "_target", None)
        owner = getattr(target, "__self__", None)
        if owner is not None and type(owner).__module__.startswith("moto.stepfunctions"):
            threads.append(thread)
    return threads


def stop_executions() -> dict[str, int]:
    """Stops every running execution and waits for the interpreter's threads to end."""
    import datetime

    running = _running_executions()
    for execution in running:
        if getattr(execution.exec_worker, "env", None) is None:
            continue  # its thread has not made its environment yet: waited for below, as it runs on
        execution.stop(
            stop_date=datetime.datetime.now(tz=datetime.timezone.utc),
            error="drill.Restored",
            cause="the drill restored the seeded world for the next scenario",
        )
    deadline = time.time() + STOP_WAIT_SECONDS
    for thread in _sfn_threads():
        thread.join(max(0.0, deadline - time.time()))
    return {"stopped": len(running), "stillRunning": len([t for t in _sfn_threads() if t.is_alive()])}


def take() -> dict[str, Any]:
    """Keeps a copy of moto's backends and of the drill's world as they are now (after the seed)."""
    global _snapshot
    from moto.core.base_backend import BackendDict

    if _running_executions():
        raise SnapshotRefused("a Step Functions execution is running: its worker thread cannot be kept")
    with lock:
        if STATE["pending"]:
            raise SnapshotRefused(f"{len(STATE['pending'])} promotion(s) pending: their callbacks act on live objects")
        world = {key: value for key, value in STATE.items() if key not in SETTINGS}
        in_use = list(BackendDict._instances)  # type: ignore[misc]
        live = {backend_dict: dict(backend_dict) for backend_dict in in_use}
        types = _shared_types()
        memo: dict[int, Any] = {id(d): d for d in _backend_dicts()}
        special: set[type] = set()
        for value in _walk([live, world], types, special):
            memo[id(value)] = value
        taken_ms = vnow_ms()
        started = time.perf_counter()
        backends, world_copy = _copy((live, world), memo, special)
    ident = (_snapshot.ident + 1) if _snapshot else 1
    _snapshot = _Snapshot(ident, backends, world_copy, memo, special, taken_ms)
    census: dict[str, int] = {}
    for value in memo.values():
        name = f"{type(value).__module__}.{type(value).__qualname__}"
        census[name] = census.get(name, 0) + 1
    return {
        "id": _snapshot.ident,
        "sharedTypes": census,
        "services": sorted({d.service_name for d in in_use}),
        "copySeconds": round(time.perf_counter() - started, 3),
    }


def _shift_stamps(backends: dict[Any, dict], world: dict[str, Any], delta_ms: float) -> None:
    """The drill's virtual stamps of the copy moved forward by `delta_ms` (see the module's docstring)."""
    for backend_dict, accounts in backends.items():
        if getattr(backend_dict, "service_name", "") != "cloudwatch":
            continue
        for account in accounts.values():
            for backend in account.values():
                for alarm in getattr(backend, "alarms", {}).values():
                    for name in ("drill_created_ms", "drill_evaluated_end_ms"):
                        if getattr(alarm, name, None) is not None:
                            setattr(alarm, name, getattr(alarm, name) + delta_ms)
                for datum in getattr(backend, "metric_data", []):
                    if getattr(datum, "drill_at_ms", None) is not None:
                        datum.drill_at_ms += delta_ms
    for entry in world.get("requests", []):
        entry["at"] += delta_ms


def restore(ident: int) -> dict[str, Any]:
    """Puts a fresh copy of snapshot `ident` back, as a reset followed by the seed would leave the server."""
    from moto.moto_api._internal.models import moto_api_backend
    from moto.core.base_backend import BackendDict

    snapshot = _snapshot
    if snapshot is None or snapshot.ident != ident:
        raise SnapshotRefused(f"snapshot {ident} is not the one kept ({snapshot.ident if snapshot else 'none'})")
    stopped = stop_executions()  # outside the lock: the threads take it as they end
    started = time.perf_counter()
    backends, world = _copy((snapshot.backends, snapshot.world), snapshot.memo, snapshot.special)
    with lock:
        moto_api_backend.reset()  # what POST /moto-api/reset does: every backend in use reset and dropped
        for backend_dict, accounts in backends.items():
            backend_dict.clear()
            backend_dict.update(accounts)
            if backend_dict not in BackendDict._instances:  # type: ignore[misc]
                BackendDict._instances.append(backend_dict)  # type: ignore[misc]
        reset_drill_state()
        _shift_stamps(backends, world, max(0.0, vnow_ms() - snapshot.taken_ms))
        STATE.update(world)
    return {"id": ident, **stopped, "copySeconds": round(time.perf_counter() - started, 3)}

