"""Xuanshang site package: settings, URLs, the Celery app and the scoring domain."""

from .celery import app as celery_app

__all__ = ("celery_app",)
