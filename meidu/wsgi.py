import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meidu.settings.base")

from meidu.runtime.safety import assert_safe_to_serve  # noqa: E402

application = get_wsgi_application()
assert_safe_to_serve()

# Objects loaded at start-up (modules, the schema) live as long as the worker: keep them out of
# the garbage collector's generations so its pauses stay short (benchmarks/RESULTS.md).
gc.collect()
gc.freeze()
