"""Refuse page requests whose address or form carries text no page can use.

A NUL character reaches PostgreSQL as a server error (and, in demo mode, a page showing the
database's message), a search box or slug of megabytes costs a query for nothing. Every page
parameter, the path and every posted form value is checked here, once, with the same rules as
the API's arguments (``meidu.core.validation.text_refusal``); a refusal is a 400 page in the
reader's language. Forms still check each field's own length (their ``max_length``).
The API (/graphql/) checks its own arguments, and webhooks read their raw bodies.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from meidu.core.validation import text_refusal

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
SKIPPED_PREFIXES = ("/graphql/", "/payments/")


def input_refusal(request) -> str | None:
    """The first reason to refuse ``request``'s path, query parameters or posted form values."""
    limit = settings.PAGE_MAX_INPUT_LENGTH
    texts = [request.path]
    texts += [text for key, values in request.GET.lists() for text in (key, *values)]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        texts += [text for key, values in request.POST.lists() for text in (key, *values)]
    for text in texts:
        refusal = text_refusal(text, max_length=limit)
        if refusal is not None:
            return str(refusal)
    return None


class RefuseUnsafeInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(SKIPPED_PREFIXES):
            refusal = input_refusal(request)
            if refusal is not None:
                return render(request, "shell/bad_input.html", {"refusal": refusal}, status=400)
        return self.get_response(request)
