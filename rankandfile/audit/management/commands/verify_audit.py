from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rankandfile.audit.domain.chain import parse_head
from rankandfile.audit.models import PublishedHead
from rankandfile.audit.selectors import chain_head, verify_chain
from rankandfile.audit.signing import SigningKeyError, trusted_public_keys


class Command(BaseCommand):
    help = (
        "Check the audit chain: report the first altered, removed or reordered entry, a kept head the chain no "
        "longer holds, or a published head whose signature does not verify, and exit non-zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="a head kept outside the database (from the heads page, feed, API or email); repeatable",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="HEX",
            help="trust only these public keys (as published) instead of the configured signing key's",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kept = [parse_head(text) for text in options["expect_head"]]
        except ValueError as error:
            raise CommandError(f"--expect-head: {error}") from error
        try:
            keys = [k.strip().lower() for k in options["public_key"]] or trusted_public_keys()
        except SigningKeyError as error:
            raise CommandError(str(error)) from error
        if not keys and PublishedHead.objects.exists():
            raise CommandError("no trusted public key to check the published heads: pass --public-key HEX")
        problem = verify_chain(kept_heads=kept, trusted_keys=keys)
        if problem is not None:
            raise CommandError(f"audit chain broken at {problem}")
        head = chain_head()
        count, digest = head if head else (0, "-")
        signed = PublishedHead.objects.count()
        self.stdout.write(f"audit chain intact: {count} entries, head {digest}, {signed} signed heads verified")
