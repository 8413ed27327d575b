"""Vote counting for Rank & File: every published rule, exact, with stage-by-stage reports.

Pure Python and numpy; no Django. `count(ballots, method, seats, options) -> Result`; readers for BLT, CSV and the
ballot-box JSON; renderers to text, JSON, HTML and CSV. The rules are documented in docs/counting.md.
"""

from rankandfile.counting.api import count
from rankandfile.counting.model import (
    METHODS,
    BallotBox,
    CountError,
    InputError,
    InvalidBallot,
    Options,
    Result,
    Stage,
    TieBreak,
)
from rankandfile.counting.readers import FORMATS, read_bytes, read_file

__all__ = [
    "FORMATS",
    "METHODS",
    "BallotBox",
    "CountError",
    "InputError",
    "InvalidBallot",
    "Options",
    "Result",
    "Stage",
    "TieBreak",
    "count",
    "read_bytes",
    "read_file",
]
