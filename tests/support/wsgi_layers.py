"""Driving the WSGI layers of meidu/wsgi.py (the GraphQL and page fast paths) around Django's own handler
inside one test: which requests reached Django, and the test's connection kept between requests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


class CountingDjango:
    """Django's own WSGI handler, counting the requests that reached it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@contextmanager
def django_behind_layers() -> Iterator[CountingDjango]:
    """A CountingDjango whose requests keep the test's connection (as Django's test client does: the
    test's transaction must survive between requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield CountingDjango()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
