"""API tokens get scopes, an expiry and the stamp of the password they were made under (issue 9).

Tokens made before this could do anything their member could: they keep all three scopes, so no integration breaks
today, but they now expire 90 days from this migration, and they end with the next password change like new ones.
"""

import datetime as dt
import hashlib

from django.db import migrations, models
from django.utils import timezone

LEGACY_SCOPES = ["read", "vote", "manage"]
LEGACY_LIFETIME = dt.timedelta(days=90)


def password_stamp(password_hash):
    # Copied from org.domain.api_tokens.password_stamp: a migration imports no app code.
    return hashlib.sha256(("rankandfile.api-token:" + password_hash).encode()).hexdigest()


def scope_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("org", "ApiToken")
    expires_at = timezone.now() + LEGACY_LIFETIME
    for token in ApiToken.objects.select_related("member").iterator():
        token.scopes = LEGACY_SCOPES
        token.expires_at = expires_at
        token.password_stamp = password_stamp(token.member.password)
        token.save(update_fields=["scopes", "expires_at", "password_stamp"])


class Migration(migrations.Migration):
    dependencies = [("org", "0004_member_name_trigram_index")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(scope_existing_tokens, migrations.RunPython.noop),
    ]
