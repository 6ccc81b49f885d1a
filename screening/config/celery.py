"""The Celery application: `celery -A screening worker` and `celery -A screening beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")

app = Celery("screening")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_sweep(sender: Celery, **kwargs: object) -> None:
    """The sweep is what guarantees nothing stays stale when the broker was down at commit."""
    from django.conf import settings

    sender.add_periodic_task(
        float(settings.SCORE_SWEEP_SECONDS),
        sender.signature("screening.rescore_stale"),
        name="sweep stale scores",
    )
