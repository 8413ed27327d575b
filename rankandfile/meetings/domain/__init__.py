"""Pure meeting logic: standard library only, no Django (see `docs/meetings.md`)."""
