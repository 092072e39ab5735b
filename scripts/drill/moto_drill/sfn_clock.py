"""moto's Step Functions interpreter on the virtual clock (clock.py).

Patches, under moto/stepfunctions/parser/:
- models.py, backend/execution.py, asl/eval/event/event_manager.py, asl/component/state/state.py,
  .../state/wait/wait_function/timestamp.py, .../state/exec/state_parallel/branches_decl.py: execution
  start and stop dates, history timestamps, state entered times and TimestampPath waits. Each of
  these modules calls datetime.datetime.now() through its own `import datetime`.
- .../state/wait/wait_function/wait_function.py: Wait states sleep on the virtual clock.
- .../common/retry/retrier_decl.py: Retry intervals, which sleep with its module's `time.sleep`.
- backend/execution_worker.py, .../state_parallel/branch_worker.py, .../state_parallel/branches_decl.py:
  the flows the clock counts: a run and each Parallel branch, counted from before its thread starts;
  a flow waiting for its branches does not work.
"""

from __future__ import annotations

import datetime
import types
from typing import Any

from .clock import counted, idle_while, virtual_sleep, vnow_ms, work


class _VirtualDatetime(datetime.datetime):
    """datetime.datetime whose now() reads the virtual clock."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime.datetime:  # type: ignore[override]
        return datetime.datetime.fromtimestamp(vnow_ms() / 1000, tz)


def _virtual_datetime_module() -> types.ModuleType:
    module = types.ModuleType("datetime")
    module.__dict__.update({k: v for k, v in vars(datetime).items() if not k.startswith("__")})
    module.datetime = _VirtualDatetime  # type: ignore[attr-defined]
    return module


def _wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
    # Replaces WaitFunction._wait_interval, which re-waits whenever the int-rounded elapsed time
    # falls short: a scaled, fractional wait would loop.
    virtual_sleep(wait_seconds, env.is_running)


def install() -> None:
    import moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branches_decl as branches_decl
    import moto.stepfunctions.parser.asl.component.state.state as state
    import moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp as wait_timestamp
    import moto.stepfunctions.parser.asl.eval.event.event_manager as event_manager
    import moto.stepfunctions.parser.backend.execution as execution
    import moto.stepfunctions.parser.models as sfn_models
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import BranchWorker
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    virtual_datetime = _virtual_datetime_module()
    for module in (sfn_models, execution, event_manager, state, wait_timestamp, branches_decl):
        module.datetime = virtual_datetime  # type: ignore[attr-defined]

    wait_function.WaitFunction._wait_interval = _wait_interval
    retrier_decl.time = types.SimpleNamespace(sleep=virtual_sleep, time=lambda: vnow_ms() / 1000)

    ExecutionWorker._execution_logic = counted(ExecutionWorker._execution_logic)
    branch_start, branch_routine = BranchWorker.start, BranchWorker._thread_routine

    def start_branch(self: Any) -> None:
        work(+1)
        branch_start(self)

    def branch_thread_routine(self: Any) -> None:
        try:
            branch_routine(self)
        finally:
            work(-1)

    BranchWorker.start = start_branch
    BranchWorker._thread_routine = branch_thread_routine
    branches_decl.BranchWorkerPool.wait = idle_while(branches_decl.BranchWorkerPool.wait)
