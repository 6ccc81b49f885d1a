"""WSGI entry point (gunicorn screening.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
application = get_wsgi_application()
