"""Demo discussion bulletin: the national "2027 convention discussion" period of the demo organization.

Made through the bulletin's services, as members and editors would: a period with its code of conduct, two
published issues and a third scheduled for next week, documents by members of several branches (some signed by a
caucus), a response and the answered author's reply under the right of reply, two caucuses with their members,
and one document hidden by the national secretary with the reason everyone sees (its author has appealed). The
issues carry the dates they stand for; loading twice changes nothing (`load_bulletin` returns False).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from rankandfile.bulletin import services as bulletin
from rankandfile.bulletin.models import Document, Issue, Period
from rankandfile.demo.shape import DEMO_DOMAIN, PERSONAS, ROOT_SLUG
from rankandfile.org.models import Member, Membership, Unit

PERIOD_TITLE = "2027 convention discussion"
CODE_OF_CONDUCT = """1. Argue with positions, never with persons: no insults, no speculation about motives.
2. Quote each other accurately, with a link to what you quote.
3. Publish nothing private about anyone: no home addresses, health, family or workplace details.
4. No threats, no harassment, no discrimination.
A moderator may hide a document only under one of these rules, naming it; the document stays listed with the
reason, and its author may appeal to another moderator."""

DOCUMENTS = {
    "dues": (
        "Cut dues for the lowest paid: a sliding scale",
        """Our flat dues of £12 a month are a week's bus fare for a part-time cleaner and a rounding error for a
senior technician. Branches report that **half of the members who lapse** earn under £1,200 a month.

We propose a sliding scale:

- under £1,200 a month: £4;
- £1,200 to £2,500: £9;
- over £2,500: £16.

The national treasurer's own figures show this raises the same income if lapses fall by a fifth.""",
    ),
    "delegates": (
        "Elect convention delegates by STV in every district",
        """Delegates are now chosen by branch committees. That hands the convention to whoever already runs the
branches. Every district should elect its delegates by single transferable vote, so that a minority of a third
elects a third of the delegates.""",
    ),
    "office": (
        "Fund a second organizer for the Harbour District",
        """Harbour has four branches and one part-time organizer. Eastport alone recruited 60 members last year
without any staff support. A second organizer, funded for two years from reserves, would pay for itself in dues.""",
    ),
    "against_dues": (
        "A sliding scale is the right aim, but not this year",
        """I agree with the aim of *Cut dues for the lowest paid*. But the scale it proposes assumes members will
declare their pay honestly and that branch treasurers can check it. Neither is true yet. Let us first build the
dues records, then vote on a scale at the 2028 convention.""",
    ),
    "reply_dues": (
        "Reply: members can be trusted to declare their pay",
        """Every union that runs a sliding scale relies on self-declaration, and none reports abuse worth the
name. Waiting a year costs us the members who are lapsing now. The records can be built while the scale runs.""",
    ),
    "hidden": (
        "What really happened at the Granite Falls branch",
        """The branch secretary, who lives at 14 Quarry Lane, has been blocking new members for months...""",
    ),
    "platform": (
        "The Rank-and-File platform for 2027",
        """We stand for elected delegates, open accounts and a dues scale that does not price out the lowest paid.
We invite every member who agrees to join the caucus and to co-sign our documents.""",
    ),
    "waiting": (
        "Open the national accounts to every member",
        """The national accounts are presented to the convention as a one-page summary. Members should be able to
read the full accounts, with every line over £500, on this site, a month before the convention.""",
    ),
}
HIDE_REASON = "Rule 3 of the code of conduct: the document publishes a member's home address."
APPEAL_TEXT = "I will take the address out. The rest of the document is about how the branch is run, not about her."


def _persona(key: str) -> Member:
    return Member.objects.get(email=f"{key}@{DEMO_DOMAIN}")


def _members(count: int, offset: int) -> list[Member]:
    """Active members of the organization who are not demo logins, in a fixed order."""
    persona_emails = [f"{p.key}@{DEMO_DOMAIN}" for p in PERSONAS]
    rows = (
        Member.objects.filter(
            memberships__unit__path__startswith=ROOT_SLUG + "/",
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .exclude(email__in=persona_emails)
        .distinct()
        .order_by("pk")
    )
    return list(rows[offset : offset + count])


def bulletin_loaded() -> bool:
    return Period.objects.filter(unit__path=ROOT_SLUG, title=PERIOD_TITLE).exists()


def _write(author: Member, period: Period, key: str, **extra: object) -> Document:
    title, text = DOCUMENTS[key]
    document = bulletin.document_create(actor=author, period=period, title=title, text=text, **extra)  # type: ignore[arg-type]
    return bulletin.document_submit(actor=author, document=document)


def _publish(secretary: Member, period: Period, documents: list[Document], when: dt.datetime) -> Issue:
    issue = bulletin.issue_schedule(actor=secretary, period=period, publish_at=when)
    for document in documents:
        bulletin.document_place(actor=secretary, document=document, issue=issue)
    return bulletin.issue_publish(actor=secretary, issue=issue, now=when)


def load_bulletin() -> bool:
    """Create the demo bulletin in one transaction; return False (changing nothing) when it is already there."""
    with transaction.atomic():
        if bulletin_loaded():
            return False
        now = timezone.now()
        national = Unit.objects.get(path=ROOT_SLUG)
        secretary, member, chair = _persona("secretary"), _persona("member"), _persona("chair")
        people = _members(40, offset=100)
        period = bulletin.period_create(
            actor=secretary,
            unit=national,
            title=PERIOD_TITLE,
            description="Documents for the 2027 convention: any member may publish, respond, co-sign and caucus.",
            code_of_conduct=CODE_OF_CONDUCT,
            submissions_close_at=now + dt.timedelta(days=30),
            responses_close_at=now + dt.timedelta(days=45),
            word_limit=3000,
            min_cosigners=1,
            reply_days=7,
        )
        rank_and_file = bulletin.caucus_create(
            actor=member,
            unit=national,
            name="Rank-and-File Caucus",
            statement="Elected delegates, open accounts, and dues the lowest paid can afford.",
        )
        reform = bulletin.caucus_create(
            actor=people[0],
            unit=national,
            name="Steady Course Platform",
            statement="Sound finances first: build the records, then reform the dues.",
        )
        for joiner in people[1:14]:
            bulletin.caucus_join(actor=joiner, caucus=rank_and_file)
        for joiner in people[14:22]:
            bulletin.caucus_join(actor=joiner, caucus=reform)

        first = [
            _write(member, period, "dues"),
            _write(people[1], period, "delegates", caucus=rank_and_file),
            _write(people[22], period, "office"),
            _write(people[23], period, "hidden"),
        ]
        for document in first:
            for signer in people[2:5]:
                bulletin.document_sign(actor=signer, document=document)
        _publish(secretary, period, first, now - dt.timedelta(days=10))
        for document in first:
            document.refresh_from_db()

        answer = _write(people[0], period, "against_dues", responds_to=[first[0]], caucus=reform)
        platform = _write(people[2], period, "platform", caucus=rank_and_file)
        for document in (answer, platform):
            for signer in people[14:17]:
                bulletin.document_sign(actor=signer, document=document)
        _publish(secretary, period, [answer, platform], now - dt.timedelta(days=2))

        # The answered author uses the right of reply (published at once, within the period's days).
        answer.refresh_from_db()
        platform.refresh_from_db()
        _write(member, period, "reply_dues", responds_to=[answer], is_reply=True)

        hidden = first[3]
        bulletin.document_hide(actor=secretary, document=hidden, reason=HIDE_REASON)
        bulletin.appeal_file(actor=people[23], document=hidden, text=APPEAL_TEXT)

        waiting = _write(chair, period, "waiting")
        bulletin.document_sign(actor=member, document=waiting)
        next_issue = bulletin.issue_schedule(actor=secretary, period=period, publish_at=now + dt.timedelta(days=5))
        bulletin.document_place(actor=secretary, document=waiting, issue=next_issue)
        bulletin.subscription_set(actor=member, period=period, subscribed=True)
    return True
