"""`count(ballots, method, seats, options) -> Result`: the one entry point the app and the command share."""

from __future__ import annotations

import dataclasses

from rankandfile.counting.model import METHODS, BallotBox, CountError, Options, Result
from rankandfile.counting.ties import TieBreaker, new_seed


def count(ballots: BallotBox, method: str, seats: int | None = None, options: Options | None = None) -> Result:
    """Count a ballot box by one of METHODS. `seats` defaults to the file's (BLT header, JSON) or 1.

    Ties that the rule leaves to a lot are drawn from `options.seed`; without one a fresh seed is made, and in
    every case the seed used is in the result, so anyone can repeat the count. A tie-break order the file declares
    decides instead of the lot. What the file says besides its ballots comes first in the result's notes.
    """
    result = _count(ballots, method, seats, options)
    if ballots.notes:
        result = dataclasses.replace(result, notes=(*ballots.notes, *result.notes))
    return result


def _count(ballots: BallotBox, method: str, seats: int | None, options: Options | None) -> Result:
    options = options or Options()
    if method not in METHODS:
        raise CountError(f"unknown method {method!r} (choose one of {', '.join(METHODS)})")
    seats = seats if seats is not None else (ballots.seats or 1)
    if seats < 1:
        raise CountError("seats must be at least 1")
    ties = TieBreaker(ballots.candidates, options.seed if options.seed is not None else new_seed(), ballots.tie_order)
    if method == "stv-scottish":
        from rankandfile.counting.scottish import count_stv_scottish

        return count_stv_scottish(ballots, seats, options, ties)
    if method == "irv":
        from rankandfile.counting.irv import count_irv

        return count_irv(ballots, seats, options, ties)
    if method == "stv-meek":
        from rankandfile.counting.meek import count_stv_meek

        return count_stv_meek(ballots, seats, options, ties)
    if method in ("schulze", "debian"):
        from rankandfile.counting.condorcet import count_debian, count_schulze

        if method == "schulze":
            return count_schulze(ballots, seats, options, ties)
        return count_debian(ballots, seats, options, ties)
    from rankandfile.counting.simple import count_approval, count_plurality, count_yes_no

    if method == "plurality":
        return count_plurality(ballots, seats, options, ties)
    if method == "approval":
        return count_approval(ballots, seats, options, ties)
    return count_yes_no(ballots, seats, options, ties)
