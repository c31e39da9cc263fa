"""The daily jobs on EventBridge Scheduler: the backup export and the retention jobs."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from constructs import Construct


class DailySchedules(Construct):
    """EventBridge Scheduler: the backup export at 02:00 UTC, the retention jobs at 03:00 UTC."""

    def __init__(
        self, scope: Construct, construct_id: str, *, backup: lambda_.IFunction, retention: lambda_.IFunction
    ) -> None:
        super().__init__(scope, construct_id)
        for name, function, hour in (("Backup", backup, "2"), ("Retention", retention, "3")):
            scheduler.Schedule(
                self,
                name,
                description=f"Daily {name.lower()} job",
                schedule=scheduler.ScheduleExpression.cron(minute="0", hour=hour),
                target=targets.LambdaInvoke(function, input=scheduler.ScheduleTargetInput.from_object({})),
            )
