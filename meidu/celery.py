"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly in the calling process."""

import os

from celery import Celery, Task

from meidu.core.replicas.context import primary_reads

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meidu.settings.base")


class PrimaryReadsTask(Task):
    """Tasks read the primary (meidu.core.replicas), also when run eagerly inside a storefront request."""

    def __call__(self, *args, **kwargs):
        with primary_reads():
            return super().__call__(*args, **kwargs)


app = Celery("meidu", task_cls=PrimaryReadsTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
