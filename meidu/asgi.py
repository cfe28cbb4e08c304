import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meidu.settings.base")

from meidu.runtime.safety import assert_safe_to_serve  # noqa: E402

application = get_asgi_application()
assert_safe_to_serve()
