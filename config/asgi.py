import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_asgi_application()

# Production: refuse to serve on a database role that could escape row-level security (core/startup.py); under
# gunicorn the worker then fails to boot and gunicorn stops.
from tradeloom.core.startup import startup_checks  # noqa: E402

startup_checks()
