"""The table of the shared cache (``settings.CACHES``), made by ``migrate`` like every other.

Django makes a database cache's table with ``createcachetable``; running it from a migration
means no deployment can forget it (a missing table would break every rate-limited form).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
