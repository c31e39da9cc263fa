"""A few alarms that tell an operator the API is failing; actions are wired at deploy time."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

PERIOD = Duration.minutes(5)


class Monitoring(Construct):
    """Any Lambda error, API 5xx or failed workflow execution within five minutes raises an alarm."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.Function],
        http_api: apigwv2.HttpApi,
        state_machines: dict[str, sfn.StateMachine] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: list[cloudwatch.Alarm] = []
        for name, function in functions.items():
            self.alarms.append(
                function.metric_errors(period=PERIOD, statistic="Sum").create_alarm(
                    self,
                    f"{name.capitalize()}Errors",
                    alarm_description=f"The {name} function raised errors",
                    threshold=1,
                    evaluation_periods=1,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            )
        self.alarms.append(
            http_api.metric_server_error(period=PERIOD, statistic="Sum").create_alarm(
                self,
                "Api5xx",
                alarm_description="The HTTP API answered with 5xx",
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
        )
        for name, machine in (state_machines or {}).items():
            self.alarms.append(
                machine.metric_failed(period=PERIOD, statistic="Sum").create_alarm(
                    self,
                    f"{name}Failed",
                    alarm_description=f"An execution of {name} failed",
                    threshold=1,
                    evaluation_periods=1,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            )
