"""WSGI entry point (gunicorn screening.config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
application = get_wsgi_application()

# What is set up by now (modules, models, settings, translations) lives as long as the
# process. Moved out of the collector's sight, a full collection, which Python starts every so
# often as a request's objects pile up, scans ~40,000 objects instead of ~220,000: 10-25 ms of
# CPU instead of ~140 ms, landing in whichever request set it off (issue 17: the tail of the
# shortlist's first request after score changes).
gc.freeze()
