"""Xuanshang's scoring domain; the site's configuration is in screening.config.

The Celery app is exposed here so that `celery -A screening worker` keeps working.
"""

from .config.celery import app as celery_app

__all__ = ("celery_app",)
