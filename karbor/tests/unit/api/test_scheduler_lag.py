"""The scheduler's lag metric: from a run's expected start to its actual
start, on the injected clock of the scheduling tests."""

import datetime

import prometheus_client
import pytest

from karbor.tests.unit.api import test_scheduling as scheduling
from karbor.tests.unit.api.test_scheduling import limits  # noqa: F401

# The scheduling limits of the scheduling tests (a run every minute).
pytestmark = pytest.mark.usefixtures('limits')


def lag_samples():
    registry = prometheus_client.REGISTRY
    return (registry.get_sample_value('karbor_scheduler_lag_seconds_count')
            or 0.0,
            registry.get_sample_value('karbor_scheduler_lag_seconds_sum')
            or 0.0)


def test_a_late_run_records_its_lag(api, engine):
    _operation, due = scheduling.schedule(api)
    clock = scheduling.Clock(due)
    scheduler, runner = scheduling.make_engine(engine, clock)
    count, total = lag_samples()
    scheduling.fire(scheduler, runner, clock,
                    due + datetime.timedelta(seconds=7))
    assert lag_samples() == (count + 1, total + 7.0)
