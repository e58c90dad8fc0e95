"""The page for a visitor past a rate limit: how long until the count starts again, in
words and in Retry-After."""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..ratelimit import Verdict


def too_many_requests(request: HttpRequest, *, refusal: Verdict) -> HttpResponse:
    minutes = math.ceil(refusal.retry_after / 60)
    response = render(request, "ats/too_many_requests.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response
