"""django-q2 entry points. Each calls one service; the result text holds only counts,
and a failure only the exception's type and stack: the queue keeps both."""

import functools
from collections.abc import Callable

from .error_reports import stack_without_values
from .services.consent import ask_for_consent_renewals
from .services.decisions import settle_decided_applications
from .services.interviews import tell_interviewers as tell_interview_team
from .services.mentions import tell_mentioned_users as tell_mentioned
from .services.merits import tell_of_merit_request as tell_recruiters_of_merit_request
from .services.notice_changes import announce_notice_changes
from .services.openings import publish_and_close_on_time
from .services.outbox import drain_outbox
from .services.purge import purge_due
from .services.reminders import remind_of_forgotten_openings as remind_teams
from .services.sweep import sweep_storage
from .services.todo import queue_daily_digests
from .services.webhook_delivery import deliver_due_webhooks
from .storage import StorageUnavailable


class TaskFailed(Exception):
    """What the queue keeps of a failed task (its failures, until someone deletes them):
    the exception's type and stack, never its message, which may quote a row."""


def recorded_without_personal_data(task: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(task)
    def run(*args) -> str:
        try:
            return task(*args)
        except StorageUnavailable:
            raise  # its message is written to be kept: one line, no key, no address
        except Exception as error:
            raise TaskFailed(stack_without_values(type(error), error.__traceback__)) from None

    return run


@recorded_without_personal_data
def purge_due_applications() -> str:
    return purge_due().as_text()


@recorded_without_personal_data
def sweep_orphan_cv_files() -> str:
    return sweep_storage().as_text()


@recorded_without_personal_data
def ask_for_consent_renewals_due() -> str:
    return f"Candidates asked to renew their consent: {ask_for_consent_renewals()}"


@recorded_without_personal_data
def send_emails() -> str:
    announce_notice_changes()
    return drain_outbox().as_text()


@recorded_without_personal_data
def settle_hiring_decision(opening_id: int) -> str:
    """What a decision on many applicants leaves to the worker (services/decisions.py)."""
    settled = settle_decided_applications(opening_id=opening_id)
    return f"Applications settled by the hiring decision: {settled}"


@recorded_without_personal_data
def settle_hiring_decisions() -> str:
    return f"Applications of decided openings settled: {settle_decided_applications()}"


@recorded_without_personal_data
def publish_and_close_openings() -> str:
    published, closed = publish_and_close_on_time()
    return f"Openings published: {published}; closed at their deadline: {closed}"


@recorded_without_personal_data
def remind_of_forgotten_openings() -> str:
    return f"Reminders of openings without a decision sent: {remind_teams()}"


@recorded_without_personal_data
def send_daily_digests() -> str:
    return f"Daily digests queued: {queue_daily_digests()}"


@recorded_without_personal_data
def tell_mentioned_users(note_id: int) -> str:
    return f"Team members told of a mention: {tell_mentioned(note_id=note_id)}"


@recorded_without_personal_data
def tell_interviewers(interview_id: int) -> str:
    return f"Team members told of an interview: {tell_interview_team(interview_id=interview_id)}"


@recorded_without_personal_data
def tell_of_merit_request(request_id: int) -> str:
    told = tell_recruiters_of_merit_request(request_id=request_id)
    return f"Team members told of a merit request: {told}"


@recorded_without_personal_data
def deliver_webhooks() -> str:
    """The schedule's run each minute: retries, and what a lost queue message left."""
    return deliver_due_webhooks(scheduled=True).as_text()


@recorded_without_personal_data
def deliver_new_webhooks() -> str:
    """A run that a committed event starts: what is due now, the event first of all."""
    return deliver_due_webhooks().as_text()
