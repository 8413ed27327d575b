"""The demo organization that `make demo` loads: fictional and seeded, so it is the same every time it is built.

The Commonwealth Workers' Federation: a national body, three districts, eleven branches, about 600 members with
varied names, and three years of role history (elections, acclamations, appointments with written reasons, terms
ended early). Everything is planned in memory first, with the seat and term-limit rules of `org.domain.roles`
checked for every term, then written in one transaction: plain data with `bulk_create`, and every role change
appended to the audit chain in the order it happened, so that the chain reads as the organization's history.

The members (names, emails, phones, branches) never change; their history is laid out backwards from today, so
that the current terms are current whenever the demo is loaded. Loading twice does nothing the second time: when the
root unit exists, only the logins (and counts) are returned again.

Modules: `shape` (units, roles, the demo logins), `texts` (names and written reasons), `plan` (the history, planned
in memory), `load` (writing it and reading back the counts).
"""

from rankandfile.demo.load import DemoConflict, DemoResult, demo_counts, demo_root, load_demo
from rankandfile.demo.plan import DemoPlan, plan_demo
from rankandfile.demo.shape import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_URL,
    ORGANIZATION_NAME,
    DemoLogin,
    demo_logins,
)

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "DEMO_URL",
    "ORGANIZATION_NAME",
    "DemoConflict",
    "DemoLogin",
    "DemoPlan",
    "DemoResult",
    "demo_counts",
    "demo_logins",
    "demo_root",
    "load_demo",
    "plan_demo",
]
