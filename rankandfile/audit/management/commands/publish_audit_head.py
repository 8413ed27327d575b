from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rankandfile.audit.services import audit_head_publish
from rankandfile.audit.signing import SigningKeyError


class Command(BaseCommand):
    help = (
        "Sign the audit chain's current head with the key in AUDIT_SIGNING_KEY_FILE and publish it (page, API, "
        "Atom feed, email to the accountability committee). Does nothing if no entry was added since the last one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            head, is_new = audit_head_publish()
        except (ValidationError, SigningKeyError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            raise CommandError(message) from error
        state = "published" if is_new else "unchanged since"
        self.stdout.write(f"audit head {state}: {head.head_text} (public key {head.public_key})")
