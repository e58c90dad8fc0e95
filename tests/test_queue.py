"""The deletion queue on its production broker: a real Redis and a real cluster."""

import time
from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connections
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.brokers.redis_broker import Redis
from django_q.cluster import Cluster
from django_q.conf import Conf
from django_q.tasks import async_task

from ats.models import Application, DeletionRecord
from tests.factories import ApplicationFactory

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_broker(monkeypatch):
    """django-q2 switched to the Redis broker, on a queue of this test's own."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", REDIS_URL)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", f"ats-test-{uuid4().hex[:8]}")
    broker = get_broker()
    assert isinstance(broker, Redis) and broker.ping()
    yield broker
    broker.delete_queue()


def wait_until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_purge_enqueued_through_redis_is_run_by_a_cluster(redis_broker, cv_files):
    application = ApplicationFactory(
        consented=True, delete_after=timezone.now() - timedelta(seconds=1)
    )
    async_task("ats.tasks.purge_due_applications", broker=redis_broker)
    assert redis_broker.queue_size() == 1

    # The cluster forks: it must not inherit this process's database connection.
    connections.close_all()
    cluster = Cluster(redis_broker)
    cluster.start()
    try:
        assert wait_until(lambda: not Application.objects.exists())
    finally:
        cluster.stop()

    assert cv_files.remaining() == []
    assert DeletionRecord.objects.get().public_id == application.public_id
    assert redis_broker.queue_size() == 0
