from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from screening.api.tokens import revoke_tokens_on_password_change

        pre_save.connect(
            revoke_tokens_on_password_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="screening.revoke_tokens_on_password_change",
        )
