from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rankandfile.audit.selectors import chain_head, verify_chain


class Command(BaseCommand):
    help = "Check the audit chain: report the first altered, removed or reordered entry and exit non-zero."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = verify_chain()
        if problem is not None:
            raise CommandError(f"audit chain broken at {problem}")
        head = chain_head()
        count, digest = head if head else (0, "-")
        self.stdout.write(f"audit chain intact: {count} entries, head {digest}")
