"""The WSGI application that granian (or any WSGI server) serves."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofold.web.config.base")
application = get_wsgi_application()
