from django.apps import AppConfig


class WiringConfig(AppConfig):
    """Connects the hooks' subscribers (meidu/wiring/__init__.py) once every app is loaded."""

    name = "meidu.wiring"
    label = "wiring"
    verbose_name = "Meidu hooks wiring"

    def ready(self):
        from meidu.wiring import connect

        connect()
