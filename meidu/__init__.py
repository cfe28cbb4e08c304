"""Meidu Market: wiring (settings, urls, Celery, root schema, CLI) and the shared kernel."""

from meidu.celery import app as celery_app

__all__ = ["celery_app"]
