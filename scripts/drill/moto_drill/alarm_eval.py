"""Metric alarm evaluation for the alarms Route 53 reads: moto stores alarms and datapoints but evaluates none.

Patches moto/cloudwatch/models.py: CloudWatchBackend.put_metric_data notes, on each new datapoint, its
time on the virtual clock (clock.py: moto stamps the real clock, or the Timestamp given, which is then
moved by the same skew), and put_metric_alarm the virtual time an alarm was created. Patches
moto/cloudwatch/responses.py: DescribeAlarms evaluates, first, the alarms of its region that a
CLOUDWATCH_METRIC health check names (route53_health.py), so the state it shows is the evaluated one.

Only those alarms are evaluated, lazily, when something reads them (a health check, DNS, DescribeAlarms):
the scenarios set other alarms (S1, S2) by hand with SetAlarmState, and that must hold. Any other
alarm is evaluated only when a scenario asks for it by name (evaluate_on_request: POST
/drill/alarms/evaluate, control.py), from the datapoints stored so far, as CloudWatch would have. The evaluation
replays what CloudWatch does at the end of each period: periods are aligned to the clock (a 60 s period
is a minute), and at the end of every period since the last evaluation, and of the current one so far,
the statistic of each of the last EvaluationPeriods periods is compared with the threshold;
DatapointsToAlarm breaching periods (default all) make ALARM, fewer OK. (CloudWatch's own delay
before it evaluates a period is not simulated: a datapoint counts as soon as it arrives, and the
period it arrives in is judged then.) With no datapoint in the whole range,
TreatMissingData decides: breaching ALARM, notBreaching OK, ignore keeps the state, missing (the default)
INSUFFICIENT_DATA. With some datapoints missing, only `breaching` fills them in (CloudWatch's look-back
for M of N is not simulated). A new alarm starts INSUFFICIENT_DATA, as in AWS (moto says OK).
Not evaluated (left as moto holds them): composite, metric math and percentile (ExtendedStatistic) alarms.
"""

from __future__ import annotations

import datetime
import json
import os
import time
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend, MetricAggregatedDatum, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core import DEFAULT_ACCOUNT_ID

from .clock import vnow_ms
from .state import lock

_COMPARE = {
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}
_MISSING = {"breaching": "ALARM", "notBreaching": "OK", "missing": "INSUFFICIENT_DATA"}
_MAX_TICKS = 100_000  # a clock moved on by months: the oldest periods no longer matter


def account() -> str:
    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


def _epoch_ms(moment: Any) -> float:
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment.timestamp() * 1000
    return float(moment) * 1000


def _statistic(datums: list[Any], statistic: str) -> float | None:
    if not datums:
        return None
    count = total = 0.0
    low, high = float("inf"), float("-inf")
    for datum in datums:
        if isinstance(datum, MetricAggregatedDatum):
            count, total = count + datum.sample_count, total + datum.sum
            low, high = min(low, datum.min), max(high, datum.max)
        else:
            count, total = count + 1, total + datum.value
            low, high = min(low, datum.value), max(high, datum.value)
    return {"SampleCount": count, "Sum": total, "Minimum": low, "Maximum": high, "Average": total / count}[statistic]


def evaluable(alarm: Any) -> bool:
    return (
        alarm.rule is None
        and not alarm.metric_data_queries
        and bool(alarm.metric_name)
        and alarm.statistic in ("SampleCount", "Sum", "Minimum", "Maximum", "Average")
        and alarm.comparison_operator in _COMPARE
    )


def _datapoints(backend: CloudWatchBackend, alarm: Any) -> list[tuple[float, Any]]:
    dimensions = {(d.name, d.value) for d in alarm.dimensions}
    return [
        (getattr(datum, "drill_at_ms", None) or _epoch_ms(datum.timestamp), datum)
        for datum in backend.metric_data
        if datum.namespace == alarm.namespace
        and datum.name == alarm.metric_name
        and {(d.name, d.value) for d in datum.dimensions} == dimensions
        and (not alarm.unit or datum.unit == alarm.unit)
    ]


def _evaluate_at(alarm: Any, points: list[tuple[float, Any]], end_ms: float, running: bool) -> None:
    """The evaluation at `end_ms`, the end of a period: the last EvaluationPeriods periods before it.
    The period still `running` counts once it has a datapoint; until then it is not missing yet."""
    period_ms = int(alarm.period) * 1000
    periods = int(alarm.evaluation_periods)
    needed = int(alarm.datapoints_to_alarm or periods)
    threshold = float(alarm.threshold)
    values = []
    for index in range(periods):
        end = end_ms - index * period_ms
        values.append(_statistic([datum for at, datum in points if end - period_ms <= at < end], alarm.statistic))
    if running and values[0] is None:
        return
    present = [value for value in values if value is not None]
    treat = alarm.treat_missing_data or "missing"
    if not present:
        state = alarm.state_value if treat == "ignore" else _MISSING.get(treat, "INSUFFICIENT_DATA")
        reason = f"drill: no datapoint in the last {periods} period(s) of {alarm.period} s (TreatMissingData {treat})"
    else:
        breaching = sum(1 for value in present if _COMPARE[alarm.comparison_operator](value, threshold))
        if treat == "breaching":
            breaching += periods - len(present)
        state = "ALARM" if breaching >= needed else "OK"
        reason = (
            f"Threshold Crossed (drill): {breaching} of the last {periods} period(s) {alarm.statistic} "
            f"{[value for value in values]} {alarm.comparison_operator} {threshold} ({needed} needed)"
        )
    if state != alarm.state_value:
        alarm.update_state(reason, json.dumps({"drill": True, "values": values, "periodEndMs": end_ms}), state)


def evaluate(alarm: Any, backend: CloudWatchBackend, now_ms: float | None = None) -> str:
    """Brings `alarm` up to now, as CloudWatch would have evaluated it once a period; returns its state."""
    if not evaluable(alarm):
        return alarm.state_value
    with lock:
        now_ms = vnow_ms() if now_ms is None else now_ms
        period_ms = int(alarm.period) * 1000
        current_end = (now_ms // period_ms + 1) * period_ms  # the end of the period now runs in
        first_end = getattr(alarm, "drill_evaluated_end_ms", None)  # re-evaluated: it may have had more data since
        if first_end is None:
            first_end = (getattr(alarm, "drill_created_ms", now_ms) // period_ms + 1) * period_ms
            if not alarm.history:  # moto's "Unchecked: Initial alarm creation" OK is AWS's INSUFFICIENT_DATA
                alarm.state_value = "INSUFFICIENT_DATA"
        points = _datapoints(backend, alarm)
        end = max(first_end, current_end - _MAX_TICKS * period_ms)
        while end <= current_end:
            _evaluate_at(alarm, points, end, end == current_end)
            end += period_ms
        alarm.drill_evaluated_end_ms = current_end
        return alarm.state_value


def evaluate_named(name: str, region: str) -> tuple[str | None, str]:
    """The state of alarm `name` in `region` after evaluation, or None when there is none; and its reason."""
    backend = cloudwatch_backends[account()][region]
    alarm = backend.alarms.get(name)
    if alarm is None:
        return None, f"no alarm {name} in {region}"
    return evaluate(alarm, backend), alarm.state_reason


def evaluate_on_request(region: str, names: list[str]) -> list[dict]:
    """Each alarm of `names` in `region` brought up to now; one that cannot be evaluated says why, untouched."""
    backend = cloudwatch_backends[account()][region]
    answers = []
    for name in names:
        alarm = backend.alarms.get(name)
        if alarm is None:
            answers.append({"name": name, "evaluated": False, "why": f"no alarm {name} in {region}"})
            continue
        evaluated = evaluable(alarm)
        state = evaluate(alarm, backend)
        answers.append(
            {
                "name": name,
                "evaluated": evaluated,
                "state": state,
                "reason": alarm.state_reason,
                "actions": list(alarm.alarm_actions or []),
                **({} if evaluated else {"why": "composite, metric math or percentile alarms are not evaluated"}),
            }
        )
    return answers


def install(read_alarms: Any) -> None:
    """`read_alarms(region)`: the names of the alarms of `region` that Route 53 reads (route53_health.py)."""
    original_put_data = CloudWatchBackend.put_metric_data
    original_put_alarm = CloudWatchBackend.put_metric_alarm
    original_describe = CloudWatchResponse.describe_alarms

    def put_metric_data(self: CloudWatchBackend, namespace: str, metric_data: list) -> None:
        before = len(self.metric_data)
        original_put_data(self, namespace, metric_data)
        skew_ms = vnow_ms() - time.time() * 1000
        for datum in self.metric_data[before:]:
            datum.drill_at_ms = _epoch_ms(datum.timestamp) + skew_ms

    def put_metric_alarm(self: CloudWatchBackend, *args: Any, **kwargs: Any) -> Any:
        alarm = original_put_alarm(self, *args, **kwargs)
        alarm.drill_created_ms = vnow_ms()
        return alarm

    def describe_alarms(self: CloudWatchResponse) -> Any:
        for name in read_alarms(self.region):
            evaluate_named(name, self.region)
        return original_describe(self)

    CloudWatchBackend.put_metric_data = put_metric_data
    CloudWatchBackend.put_metric_alarm = put_metric_alarm
    CloudWatchResponse.describe_alarms = describe_alarms
