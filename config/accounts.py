"""Staff accounts through django-allauth: logins throttled per address and per account
(ACCOUNT_RATE_LIMITS), the admin's login sent through the same view, time-based
one-time passwords required of staff (config/middleware.py), and no sign-up: staff are
created by an administrator.

allauth's emails (password reset) are rendered in the request and sent by the worker:
a known and an unknown address do the same work (allauth mails unknown ones too), and
a mail server that is down changes no answer.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django_q.tasks import async_task


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        async_task("config.accounts.deliver", message, task_name="ats: account email")


def deliver(message) -> str:
    message.send()
    return "Account email sent"
