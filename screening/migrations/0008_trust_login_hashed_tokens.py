"""API tokens move from DRF's plain-text table to knox's hashed, expiring ones.

Each existing token keeps working (its digest is stored, the plain key is deleted), now with
an expiry of API_TOKEN_TTL_DAYS from this migration; the old table, if an older installation
has it, is left empty: nothing in the database can be used as a token any more.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def hash_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + settings.REST_KNOX["TOKEN_TTL"]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, user_id, created FROM {quote(OLD_TABLE)}")
        rows = cursor.fetchall()
        AuthToken.objects.bulk_create(
            AuthToken(
                digest=hash_token(key),
                token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
                user_id=user_id,
                created=created,
                expiry=expiry,
            )
            for key, user_id, created in rows
        )
        cursor.execute(f"DELETE FROM {quote(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0007_outcomes_calibration"),
        ("knox", "0009_extend_authtoken_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(hash_old_tokens, migrations.RunPython.noop)]
