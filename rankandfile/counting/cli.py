"""`rankandfile tally`: count a ballot file with no database and no Django settings."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Literal, cast

from rankandfile.counting.api import count
from rankandfile.counting.model import METHODS, CountError, InputError, Options
from rankandfile.counting.readers import FORMATS, read_file
from rankandfile.counting.report import OUTPUTS, render

PROG = "rankandfile tally"

DESCRIPTION = """Count an election from a ballot file and print a stage-by-stage report.

Every method follows a published rule, with exact arithmetic (docs/counting.md). Ties are decided by the
rule's own procedure first; where the rule calls for a lot, it is drawn from --seed (printed in every report,
made up when not given), so anyone can repeat the count."""

EPILOG = """input formats (guessed from the file when --input is omitted):
  blt          ERS/OpenSTV ballot file: 'candidates seats', optional withdrawn line, 'weight prefs... 0', '0',
               names, title; '=' for equal preferences, '-' for a skipped rank; the ERS, OpenSTV and Droop
               extensions: comments, (ids), [withdrawn], [tie], [nick], [droop], source and comment lines
  choices-csv  cast-vote records: a header, one row per ballot, columns = ranks left to right, cells = names;
               empty or 'undervote' = skipped rank, 'overvote' = overvoted rank; optional 'count' column
  ranks-csv    one column per candidate, cells = rank numbers (1 = first, equal = equal preference)
  json         the ballot-box export of a Rank & File ballot

examples:
  rankandfile tally ward.blt --method stv-scottish
  rankandfile tally cvr.csv --method irv --batch-elimination --overvote exhaust --ignore-column precinct
  rankandfile tally vote.csv --method debian --default-option "Further Discussion" --output json
  rankandfile tally motion.json --method yes-no --threshold two-thirds --quorum 40
  cat ballots.blt | rankandfile tally - --method stv-meek --seats 3 --seed 2024-05-01
  rankandfile tally election.blt --method stv-meek --meek-variant prf

exit status: 0 counted; 2 the file or the options cannot be used (one line on standard error says why)."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text}")
    return value


def _ratio(text: str) -> tuple[int, int]:
    left, sep, right = text.partition(":")
    if not sep or not left.isdigit() or not right.isdigit() or int(left) < 1 or int(right) < 1:
        raise argparse.ArgumentTypeError(f"expected a ratio such as 3:1, not {text!r}")
    return int(left), int(right)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the ballot file; '-' reads standard input")
    parser.add_argument("--method", choices=METHODS, help="counting rule (may come from a JSON ballot box)")
    parser.add_argument(
        "--seats", type=_positive, metavar="N", help="seats to fill (default: the BLT header or JSON, else 1)"
    )
    parser.add_argument("--input", choices=FORMATS, help="input format (default: guessed)")
    parser.add_argument("--output", choices=OUTPUTS, default="text", help="report format (default: text)")
    parser.add_argument(
        "--overvote", choices=("exhaust", "skip"), help="irv: an overvoted rank exhausts the ballot or is skipped"
    )
    parser.add_argument(
        "--batch-elimination",
        action="store_true",
        default=None,
        help="irv: eliminate together every candidate who cannot mathematically win",
    )
    parser.add_argument("--default-option", metavar="NAME", help="debian: the default option, e.g. 'None Of The Above'")
    parser.add_argument(
        "--threshold",
        choices=("majority", "two-thirds", "absolute"),
        help="yes-no: majority or two-thirds of votes cast, or absolute majority of the eligible (--eligible)",
    )
    parser.add_argument("--eligible", type=_positive, metavar="N", help="yes-no: number of eligible members")
    parser.add_argument(
        "--quorum", type=_positive, metavar="N", help="yes-no: ballots needed; debian: ballots above the default"
    )
    parser.add_argument(
        "--majority-ratio", type=_ratio, metavar="N:M", help="debian: majority requirement, e.g. 3:1 (default 1:1)"
    )
    parser.add_argument(
        "--meek-variant",
        choices=("nz", "prf"),
        help="stv-meek: New Zealand rule (default) or the PR Foundation's reference rule",
    )
    parser.add_argument("--seed", metavar="S", help="seed of any lot the rule calls for (printed in the report)")
    parser.add_argument(
        "--ignore-column",
        action="append",
        default=[],
        metavar="NAME",
        help="CSV: a column that is not a preference (e.g. precinct); repeat for several",
    )
    return parser


def _options(args: argparse.Namespace, from_file: dict[str, Any]) -> Options:
    """CLI flags win over the options stored in a JSON ballot box, which win over the defaults."""

    def pick(name: str, default: Any) -> Any:
        value = getattr(args, name)
        if value is not None:
            return value
        return from_file.get(name, default)

    ratio = pick("majority_ratio", (1, 1))
    if isinstance(ratio, str):
        try:
            ratio = _ratio(ratio)
        except argparse.ArgumentTypeError as error:
            raise CountError(str(error)) from None
    if isinstance(ratio, list):
        ratio = tuple(ratio)
    overvote = pick("overvote", "exhaust")
    threshold = pick("threshold", "majority")
    meek_variant = pick("meek_variant", "nz")
    if meek_variant not in ("nz", "prf"):
        raise CountError(f"meek_variant must be nz or prf, not {meek_variant!r}")
    if overvote not in ("exhaust", "skip"):
        raise CountError(f"overvote must be exhaust or skip, not {overvote!r}")
    if threshold not in ("majority", "two-thirds", "absolute"):
        raise CountError(f"threshold must be majority, two-thirds or absolute, not {threshold!r}")
    numbers: dict[str, int | None] = {}
    for name in ("eligible", "quorum"):
        value = pick(name, None)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise CountError(f"{name} must be a positive whole number, not {value!r}")
        numbers[name] = value
    default_option = pick("default_option", None)
    if default_option is not None and not isinstance(default_option, str):
        raise CountError(f"default_option must be a name, not {default_option!r}")
    if not (isinstance(ratio, tuple) and len(ratio) == 2 and all(isinstance(x, int) and x > 0 for x in ratio)):
        raise CountError(f"majority_ratio must be like 3:1, not {ratio!r}")
    return Options(
        overvote=cast(Literal["exhaust", "skip"], overvote),
        batch_elimination=bool(pick("batch_elimination", False)),
        default_option=default_option,
        threshold=cast(Literal["majority", "two-thirds", "absolute"], threshold),
        eligible=numbers["eligible"],
        quorum=numbers["quorum"],
        majority_ratio=cast(tuple[int, int], ratio),
        seed=None if pick("seed", None) is None else str(pick("seed", None)),
        meek_variant=cast(Literal["nz", "prf"], meek_variant),
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        box = read_file(args.file, args.input, ignore_columns=args.ignore_column)
        method = args.method or box.method
        if method is None:
            raise CountError("choose a method with --method (the file does not name one)")
        if method not in METHODS:
            raise CountError(f"unknown method {method!r} in the file (choose one of {', '.join(METHODS)})")
        options = _options(args, dict(box.options))
        result = count(box, method, args.seats, options)
    except (InputError, CountError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(render(result, args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
