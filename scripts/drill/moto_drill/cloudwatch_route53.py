"""CloudWatch composite alarms, and Route 53 health checks that can fail.

Patches moto/cloudwatch/responses.py: the backend stores composite alarms (an alarm with a rule)
and put_metric_alarm already reads AlarmRule "for composite alarms as well", but no handler answers
PutCompositeAlarm.

Patches moto/route53/responses.py: GetHealthCheckStatus always reports success. POST /drill/health
{"<id>": false} makes it report a failure, as Route 53's checkers would.
"""

from __future__ import annotations

from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.route53.responses import Route53

from .state import STATE


def install() -> None:
    CloudWatchResponse.put_composite_alarm = CloudWatchResponse.put_metric_alarm
    original_health_check_status = Route53.get_health_check_status

    def health_check_status(self: Route53) -> ActionResult:
        result = original_health_check_status(self)
        if STATE["health"].get(self._get_param("HealthCheckId"), True) is False:
            for observation in result.result["HealthCheckObservations"]:
                observation["StatusReport"]["Status"] = "Failure: Connection timed out (drill)."
        return result

    Route53.get_health_check_status = health_check_status
