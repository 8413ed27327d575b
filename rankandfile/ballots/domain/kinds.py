"""What each kind of ballot is, which counting methods it may use, and how its setup is checked."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    QUESTION = "question"  # yes / no / abstain on one motion, with a threshold and a quorum
    CHOICE = "choice"  # a proposal, its counter-proposals and "none of these"
    ELECTION = "election"  # candidates for the seats of a role
    SURVEY = "survey"  # one anonymous question; only the aggregate is shown


class Method(StrEnum):
    # The names are rankandfile.counting's METHODS: the app and `rankandfile tally` count by the same rule.
    YES_NO = "yes-no"
    IRV = "irv"
    SCHULZE = "schulze"
    STV_SCOTTISH = "stv-scottish"
    STV_MEEK = "stv-meek"
    APPROVAL = "approval"
    PLURALITY = "plurality"


class Threshold(StrEnum):
    MAJORITY = "majority"  # more yes than no among votes cast
    TWO_THIRDS = "two-thirds"  # yes at least two thirds of yes + no
    ABSOLUTE = "absolute"  # yes from more than half of the eligible members


class Mark(StrEnum):
    """How a voter marks the ballot."""

    RANK = "rank"  # an order of preference, as many as the voter likes
    ONE = "one"  # exactly one option
    MANY = "many"  # any set of options (approval)


RANKED = frozenset({Method.IRV, Method.SCHULZE, Method.STV_SCOTTISH, Method.STV_MEEK})
METHODS_BY_KIND: dict[Kind, tuple[Method, ...]] = {
    Kind.QUESTION: (Method.YES_NO,),
    Kind.CHOICE: (Method.IRV, Method.SCHULZE),
    Kind.ELECTION: (Method.IRV, Method.STV_SCOTTISH, Method.STV_MEEK, Method.APPROVAL),
    Kind.SURVEY: (Method.PLURALITY,),
}
YES, NO, ABSTAIN = "Yes", "No", "Abstain"
QUESTION_OPTIONS = (YES, NO, ABSTAIN)
NONE_OF_THESE = "None of these"
# Below this many responses a survey's figures are not shown: they could point at individuals (DESIGN §8, k = 5).
SURVEY_MIN_RESPONSES = 5


def figures_withheld(kind: str, responses: int) -> bool:
    """Whether a closed ballot's figures (winners, totals, stages) stay hidden: a survey under k responses."""
    return kind == Kind.SURVEY and responses < SURVEY_MIN_RESPONSES


def mark_for(method: str) -> Mark:
    if method in RANKED:
        return Mark.RANK
    if method == Method.APPROVAL:
        return Mark.MANY
    return Mark.ONE


def setup_problems(kind: str, method: str, seats: int, n_options: int) -> dict[str, str]:
    """Field → what is wrong with a ballot's setup (the service words it for members). Empty when fine."""
    problems: dict[str, str] = {}
    try:
        kind_, method_ = Kind(kind), Method(method)
    except ValueError:
        return {"method": "unknown kind or method"}
    if method_ not in METHODS_BY_KIND[kind_]:
        problems["method"] = "method does not fit kind"
    if seats < 1:
        problems["seats"] = "at least one seat"
    elif method_ in (Method.IRV, Method.YES_NO, Method.PLURALITY) and seats != 1:
        problems["seats"] = "one seat only"
    minimum = 1 if kind_ == Kind.QUESTION else 2
    if n_options < minimum:
        problems["options"] = "too few options"
    elif kind_ == Kind.ELECTION and n_options <= seats:
        problems["options"] = "no more candidates than seats"
    return problems
