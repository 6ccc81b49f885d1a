"""ASGI entry point."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
application = get_asgi_application()

gc.freeze()  # what is set up by now lives as long as the process (see wsgi.py)
