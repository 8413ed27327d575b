"""The demo organization that `make demo` loads: fictional and seeded, so it is the same every time it is built.

The Commonwealth Workers' Federation: a national body, three districts, eleven branches, about 600 members with
varied names, and three years of role history (elections, acclamations, appointments with written reasons, terms
ended early). Everything is planned in memory first, with the seat and term-limit rules of `org.domain.roles`
checked for every term, then made in one transaction through the org services, day by day with the clock set to
that day (time-machine, a dependency of the demo only): member imports as members join, `seat_fill` and `term_end`,
`membership_set_status`. The services check every rule again and append to the audit chain as things happen, so the
chain reads as the organization's history. Nothing is rewritten afterwards.

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
