"""The `rankandfile` command. `tally` needs neither a database nor Django settings; the rest run Django."""

from __future__ import annotations

import os
import sys

USAGE = """usage: rankandfile COMMAND [ARGS]

commands:
  tally FILE ...          count an election file (no database needed; see `rankandfile tally --help`)
  verify-audit            check the audit chain; exits 1 at the first altered, removed or reordered entry
                          (`--expect-head SEQ:HASH` a head kept elsewhere, `--public-key HEX` the published key)
  publish-audit-head      sign and publish the audit chain's head (run it from cron; docs/operations.md)
  cases intake ...        record a complaint received on paper or by phone; prints its receipt
                          (`--unit PATH --category SLUG --text-file FILE [--attach FILE ...]`)
  import-members FILE     import members from CSV into a unit (`--unit PATH`, `--skip-bad-rows`)
  backup DIRECTORY        back up the database without linking votes to voters (docs/operations.md)
  restore FILE            restore a SQLite backup into the configured database, then verify-audit (`--replace`
                          to overwrite a database that is not empty; PostgreSQL: docs/operations.md)
  demo                    load the demo organization (safe to run twice)
  simulate                simulate an organization's culture through the services (`--members N --months M
                          --seed S --rules fair|open --unit PATH [--truth FILE.json]`; docs/insights.md)
  insights                print a unit's culture measures (`--unit PATH --format json`)
  manage ...              any Django management command (migrate, runserver, createsuperuser, ...)
"""

# Commands that are Django management commands of the same name (with dashes for underscores).
DJANGO_COMMANDS = {
    "verify-audit": "verify_audit",
    "publish-audit-head": "publish_audit_head",
    "import-members": "import_members",
    "cases": "cases",
    "backup": "backup",
    "restore": "restore",
    "demo": "load_demo",
    "simulate": "simulate",
    "insights": "insights",
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "tally":
        from rankandfile.counting.cli import main as tally_main

        return tally_main(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankandfile.settings")
    from django.core.management import execute_from_command_line

    if command == "manage":
        execute_from_command_line(["rankandfile", *rest])
        return 0
    if command in DJANGO_COMMANDS:
        try:
            execute_from_command_line(["rankandfile", DJANGO_COMMANDS[command], *rest])
        except SystemExit as stop:
            return int(stop.code or 0)
        return 0
    print(f"rankandfile: unknown command '{command}'\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
