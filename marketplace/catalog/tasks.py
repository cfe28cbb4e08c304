"""Catalogue tasks: thin, idempotent."""

from celery import shared_task
from django.db import DatabaseError

from marketplace.catalog.services_search import product_search_rebuild_dirty as _rebuild


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def product_search_rebuild_dirty() -> int:
    """After a change's commit, and every minute from beat: rebuild waiting search documents."""
    return _rebuild()
