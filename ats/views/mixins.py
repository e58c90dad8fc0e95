"""What every recruiter page shares. Need to know: what a user may not see is a 404, as
if it did not exist. Every read of an application is written to the access log."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property

from .. import selectors
from ..models import Application, Opening
from ..services.locks import BeingDeleted
from .body_limits import LimitedBodyMixin


class RecruiterMixin(LimitedBodyMixin, LoginRequiredMixin):
    """Staff only; nothing a recruiter sees may be cached by a browser or a proxy.

    A write to an application that a purge took while its page was open (the service
    raises BeingDeleted) is said so on the recruiter home page, where the user can go on.
    """

    permission_required: str | None = None

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            user.is_staff
            and (self.permission_required is None or user.has_perm(self.permission_required))
        ):
            raise Http404
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BeingDeleted as error:
            messages.error(request, str(error))
            response = redirect("ats:recruit-home")
        add_never_cache_headers(response)
        return response


@contextmanager
def said(request, *, done: str, refused: type[Exception]) -> Iterator[None]:
    """A form's write, said on the page the user is sent back to: the service's refusal
    (its message is safe to show) as an error, else `done`."""
    try:
        yield
    except refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)


class OpeningMixin(RecruiterMixin):
    """A page of one opening whose applicants the user may see; 404 otherwise."""

    @cached_property
    def opening(self) -> Opening:
        return selectors.pipeline.opening_for_recruiter(
            user=self.request.user, opening_id=self.kwargs["opening_id"]
        )


class DecidingOpeningMixin(RecruiterMixin):
    """A page of one opening the user may decide on; 404 otherwise (an interviewer may not)."""

    @cached_property
    def opening(self) -> Opening:
        return get_object_or_404(
            selectors.access.deciding_openings(self.request.user), pk=self.kwargs["opening_id"]
        )


class ApplicationMixin(RecruiterMixin):
    def get_application(self, *, restricted: bool = False, deciding: bool = False) -> Application:
        """404 for a restricted application unless the page only says that it is; with
        `deciding`, 404 unless the user may move, email and decide on it (an
        interviewer may not)."""
        application = selectors.applications.application_for_review(
            user=self.request.user, public_id=self.kwargs["public_id"], restricted=restricted
        )
        if deciding and not selectors.access.can_decide_on(self.request.user, application.opening):
            raise Http404
        return application
