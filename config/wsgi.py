import os

from django.core.wsgi import get_wsgi_application

from tradeloom.core.proxied import UnixSocketClientAddress

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# Behind nginx on a unix socket the client's address comes from nginx's X-Real-IP (tradeloom/core/proxied.py).
application = UnixSocketClientAddress(get_wsgi_application())

# Production: refuse to serve on a database role that could escape row-level security (core/startup.py); under
# gunicorn the worker then fails to boot and gunicorn stops.
from tradeloom.core.startup import startup_checks  # noqa: E402

startup_checks()
