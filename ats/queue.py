"""Handing work to the django-q2 queue."""

from functools import cache

from django_q.brokers import Broker, get_broker
from django_q.tasks import async_task


@cache
def _broker() -> Broker:
    # One per process, made on first use (so in each worker, never before a fork):
    # django-q2 would otherwise open a new broker connection for every task.
    return get_broker()


def enqueue(task: str, *args) -> None:
    """Queue `task` (a dotted path into ats.tasks) with `args`, which must hold no
    personal data: the queue keeps them after the task has run."""
    async_task(task, *args, broker=_broker())
