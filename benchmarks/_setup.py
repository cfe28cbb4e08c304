"""Point Django at a scratch benchmark database (never the demo's) and migrate it."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MEIDU_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meidu.settings.test")


def setup(database: str = "meidu_bench") -> None:
    if not os.environ.get("BENCH_DATABASE_URL"):
        from meidu.runtime.embedded_pg import embedded_database_url

        os.environ["DATABASE_URL"] = embedded_database_url(database)
    else:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
