"""CloudWatch composite alarms (Route 53 health is route53_health.py, alarm evaluation alarm_eval.py).

Patches moto/cloudwatch/responses.py: the backend stores composite alarms (an alarm with a rule)
and put_metric_alarm already reads AlarmRule "for composite alarms as well", but no handler answers
PutCompositeAlarm.
"""

from __future__ import annotations

from moto.cloudwatch.responses import CloudWatchResponse


def install() -> None:
    CloudWatchResponse.put_composite_alarm = CloudWatchResponse.put_metric_alarm
