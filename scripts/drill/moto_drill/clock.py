"""The virtual clock: real time plus the time skipped while every run slept.

Patches no moto file itself (sfn_clock.py points moto's Step Functions at it). The flows of
execution (a run, each branch of a Parallel) are counted while they work; a flow that sleeps (a
Wait state, a Retry interval) or waits for its branches does not count. When none counts, the clock
jumps to the earliest sleeper's deadline and wakes it: time passes in virtual seconds, as in a
discrete-event simulation, and a branch that is still working never sees another branch's sleep end
early. A sleeper waits at most DRILL_TIME_SCALE of its time in real time (at least 0.25 s), so a flow
the count misses (a Map iteration, say) slows the drill down but never stops it. While a scenario
holds the clock (holdClock, as an operator acts between two states), nothing jumps; the cap still ends a wait.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from .state import STATE, lock

_skew_ms = 0.0
_clock = threading.Condition(lock)
_working = 0  # flows of execution at work
_sleepers: dict[object, float] = {}  # sleeper -> virtual deadline (ms)
_MIN_REAL_CAP_SECONDS = 0.25


def vnow_ms() -> float:
    return time.time() * 1000 + _skew_ms


def reach(virtual_ms: float) -> None:
    """Moves the clock forward to `virtual_ms` (never back) and wakes the sleepers."""
    global _skew_ms
    with lock:
        _skew_ms = max(_skew_ms, virtual_ms - time.time() * 1000)
        _clock.notify_all()


def work(delta: int) -> None:
    """One more (+1) or one fewer (-1) flow of execution at work."""
    global _working
    with _clock:
        _working += delta
        _clock.notify_all()


def virtual_sleep(seconds: float, running: Callable[[], bool] = lambda: True) -> None:
    if seconds <= 0:
        return
    token = object()
    with _clock:
        deadline = vnow_ms() + seconds * 1000
        real_cap = time.time() + max(seconds * STATE["timeScale"], _MIN_REAL_CAP_SECONDS)
        _sleepers[token] = deadline
        work(-1)
        try:
            while running() and vnow_ms() < deadline:
                if _working <= 0 and not STATE["holdClock"] and deadline <= min(_sleepers.values()):
                    reach(deadline)  # everyone sleeps: time passes to the earliest deadline, this one
                elif time.time() >= real_cap:
                    reach(deadline)  # a flow the count does not see is at work: give up waiting for it
                else:
                    _clock.wait(0.02)
        finally:
            del _sleepers[token]
            work(+1)


def counted(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, with its caller counted as a flow at work while it runs."""

    def run(*args: Any, **kwargs: Any) -> Any:
        work(+1)
        try:
            return method(*args, **kwargs)
        finally:
            work(-1)

    return run


def idle_while(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, with its caller not counted as at work while it runs (it waits for others)."""

    def wait(*args: Any, **kwargs: Any) -> Any:
        work(-1)
        try:
            return method(*args, **kwargs)
        finally:
            work(+1)

    return wait
