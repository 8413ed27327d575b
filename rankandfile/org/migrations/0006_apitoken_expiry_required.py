"""Every API token expires (its own transaction, after 0005 has filled the column in)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("org", "0005_apitoken_scopes_expiry_password_stamp")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
