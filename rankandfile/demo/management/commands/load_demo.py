from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rankandfile.demo.activity import load_activity
from rankandfile.demo.bulletin import load_bulletin
from rankandfile.demo.cases import load_cases
from rankandfile.demo.insights import load_insights_history
from rankandfile.demo.organization import (
    DEMO_PASSWORD,
    DEMO_URL,
    ORGANIZATION_NAME,
    DemoConflict,
    demo_counts,
    load_demo,
)
from rankandfile.demo.recall import load_recalls
from rankandfile.demo.second_factor import enrol_demo_logins
from rankandfile.insights import services as insights
from rankandfile.notifications import services as notifications


class Command(BaseCommand):
    help = "Load the demo organization (safe to run twice: the second run changes nothing) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with notifications.muted():  # history, not news: no email to 600 demo members
                result = load_demo()
                recalls_created = load_recalls()  # its failed recall took days: made first, in the past
                history_created = load_insights_history()
                activity_created = load_activity()
                demo_cases = load_cases()
                bulletin_created = load_bulletin()
                # The memberships the demo's past ended are offered the exit survey now, silently: otherwise the
                # worker's first hourly offer, as `make demo` starts it, would email every one of them.
                insights.exit_surveys_offer_due()
        except DemoConflict as conflict:
            raise CommandError(str(conflict)) from conflict
        counts = demo_counts() if activity_created else result.counts
        if result.created:
            self.stdout.write(self.style.SUCCESS(_("Loaded the demo organization: %s.") % ORGANIZATION_NAME))
        else:
            self.stdout.write(_("The demo organization is already loaded: %s (nothing changed).") % ORGANIZATION_NAME)
        self.stdout.write(
            _(
                "  %(members)d members in %(branches)d branches and %(districts)d districts "
                "(%(lapsed)d lapsed, %(left)d left); %(terms)d role terms over three years "
                "(%(elected)d elected, %(acclaimed)d acclaimed, %(appointed)d appointed, %(ended)d ended early); "
                "%(audit)d audit entries."
            )
            % {
                "members": counts["members"],
                "branches": counts["branches"],
                "districts": counts["districts"],
                "lapsed": counts["memberships_lapsed"],
                "left": counts["memberships_left"],
                "terms": counts["terms_elected"] + counts["terms_acclaimed"] + counts["terms_appointed"],
                "elected": counts["terms_elected"],
                "acclaimed": counts["terms_acclaimed"],
                "appointed": counts["terms_appointed"],
                "ended": counts["terms_ended_early"],
                "audit": counts["audit_entries"],
            }
        )
        if history_created:
            self.stdout.write(
                _(
                    "  Three years of Millbrook's meetings, proposals, ballots, surveys and exits from the culture "
                    "simulator (open rules, then fair): see Insights."
                )
            )
        if activity_created:
            self.stdout.write(
                _(
                    "  Demo activity in Millbrook: a closed meeting with its minutes, a meeting next week, a proposal "
                    "and its counter-proposal, an open ballot and a closed steering-committee election."
                )
            )
        if recalls_created:
            self.stdout.write(
                _("  Recalls in Ashford Junction: a failed recall of an officer and a petition collecting signatures.")
            )
        if bulletin_created:
            self.stdout.write(
                _(
                    "  Discussion bulletin: the national 2027 convention discussion, with two published issues, a "
                    "right of reply, two caucuses and a hidden document with its reason."
                )
            )
        self.stdout.write("")
        self.stdout.write(
            _("Open %(url)s and log in with the password %(password)s as:")
            % {
                "url": DEMO_URL,
                "password": DEMO_PASSWORD,
            }
        )
        width = max(len(login.email) for login in result.logins)
        factors = {factor.email: factor for factor in enrol_demo_logins(result.logins)}
        for login in result.logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.full_name} — {login.description}")
            if login.email in factors:
                factor = factors[login.email]
                codes = ", ".join(factor.recovery_codes[:3]) or _("none left")
                self.stdout.write(
                    "  "
                    + " " * width
                    + "  "
                    + _("second factor: app secret %(secret)s, or a recovery code: %(codes)s")
                    % {"secret": factor.secret, "codes": codes}
                )
        self.stdout.write(
            _("The committee login's case passphrase (to unlock its cases at /cases/): %(passphrase)s")
            % {"passphrase": demo_cases.passphrase}
        )
        if demo_cases.receipt:
            self.stdout.write(
                _("A complainant's receipt, shown this once (follow up at /cases/receipt/): %(receipt)s")
                % {"receipt": demo_cases.receipt}
            )
        if factors:
            self.stdout.write(
                _(
                    "Officers log in with a second factor: add the app secret to an authenticator app (or run "
                    "`oathtool --totp -b SECRET`), or use a recovery code once."
                )
            )
