import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meidu.settings.base")

from meidu.core.graphql.fast_path import CachedGraphQLReads  # noqa: E402
from meidu.runtime.safety import assert_safe_to_serve  # noqa: E402
from storefront.shell.page_fast_path import CachedPages  # noqa: E402

# Cached anonymous GraphQL reads and page-cache hits are answered before Django
# (meidu/core/graphql/fast_path.py, storefront/shell/page_fast_path.py).
application = CachedGraphQLReads(CachedPages(get_wsgi_application()))
assert_safe_to_serve()

# Load the URLconf (and with it the GraphQL schema) now rather than on each worker's first request,
# which would otherwise pay about a second of imports while buyers wait.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018  (read for its side effect: the URLconf is imported)

# Without a broker, this process's outbox relay thread sends webhooks (and finds those left
# pending by a previous run) outside the requests.
from django.conf import settings  # noqa: E402

if settings.CELERY_TASK_ALWAYS_EAGER and settings.WEBHOOK_LOCAL_RELAY:
    from meidu.integrations.relay import local_relay

    local_relay.start()

# Objects loaded at start-up (modules, the schema) live as long as the worker: keep them out of
# the garbage collector's generations so its pauses stay short (benchmarks/RESULTS.md).
gc.collect()
gc.freeze()
# A request allocates tens of thousands of short-lived objects (a 100-product page: model instances,
# GraphQL results), almost none in cycles; the default threshold (700) ran the collector dozens of
# times per request for nothing. Youngest generation every 50,000 net allocations instead.
gc.set_threshold(50_000, 20, 100)
