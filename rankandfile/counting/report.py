"""A Result as a stage-by-stage report: text for the terminal, JSON (stable schema), an HTML fragment, CSV.

Every vote value is written from its exact Decimal as fixed-point text ("1037.64000"), never through a float.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from rankandfile import csv_safe
from rankandfile.counting.model import Figures, InvalidBallot, Result, Stage, decimal_text

OUTPUTS = ("text", "json", "html", "csv")
SCHEMA_VERSION = 1


def render(result: Result, fmt: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "html":
        return to_html(result)
    if fmt == "csv":
        return to_csv(result)
    return to_text(result)


def _d(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def as_dict(result: Result) -> dict[str, Any]:
    """The JSON document (docs/counting.md, "JSON output"): plain dicts, lists, strings, ints and None."""
    return {
        "schema": SCHEMA_VERSION,
        "method": result.method,
        "rule": result.rule,
        "title": result.title,
        "seats": result.seats,
        "candidates": list(result.candidates),
        "valid_ballots": result.valid_ballots,
        "invalid_ballots": result.invalid_ballots,
        "quota": _d(result.quota),
        "elected": list(result.elected),
        "stages": [_stage_dict(s) for s in result.stages],
        "tie_breaks": [
            {"stage": t.stage, "kind": t.kind, "candidates": list(t.candidates), "chosen": t.chosen, "reason": t.reason}
            for t in result.tie_breaks
        ],
        "seed": result.seed,
        "invalid": [_invalid_dict(i) for i in result.invalid],
        "ranking": None if result.ranking is None else [list(tier) for tier in result.ranking],
        "pairwise": None if result.pairwise is None else {a: dict(row) for a, row in result.pairwise.items()},
        "dropped": list(result.dropped),
        "outcome": result.outcome,
        "notes": list(result.notes),
    }


def _stage_dict(stage: Stage) -> dict[str, Any]:
    return {
        "number": stage.number,
        "action": stage.action,
        "candidates": list(stage.candidates),
        "totals": _texts(stage.totals),
        "transfers": _texts(stage.transfers),
        "non_transferable": decimal_text(stage.non_transferable),
        "rounding_loss": decimal_text(stage.rounding_loss),
        "elected": list(stage.elected),
        "excluded": list(stage.excluded),
        "quota": _d(stage.quota),
        "keep_factors": None
        if stage.keep_factors is None
        else {name: decimal_text(v) for name, v in stage.keep_factors.items()},
        "note": stage.note,
    }


def _texts(figures: Mapping[str, Decimal]) -> dict[str, str]:
    if isinstance(figures, Figures):
        return figures.texts()  # the same text, from the count's integers: no Decimal made
    return {name: decimal_text(v) for name, v in figures.items()}


def _invalid_dict(item: InvalidBallot) -> dict[str, Any]:
    entry: dict[str, Any] = {"line": item.line, "count": item.count, "reason": item.reason}
    if item.receipt:
        entry["receipt"] = item.receipt
    return entry


def to_json(result: Result) -> str:
    return json.dumps(as_dict(result), ensure_ascii=False, indent=1) + "\n"


_ACTIONS = {
    "first_preferences": "first preferences",
    "surplus": "surplus of",
    "exclusion": "exclusion of",
    "elimination": "elimination of",
    "count": "count",
    "schulze": "Schulze ranking; winner",
    "default_option": "options dropped against the default option",
}


def stage_title(stage: Stage) -> str:
    label = _ACTIONS.get(stage.action, stage.action.replace("_", " "))
    if not stage.candidates:
        return label
    names = ", ".join(stage.candidates)
    if stage.action in ("surplus", "exclusion", "elimination"):
        return f"{label} {names}"
    return f"{label}: {names}"


def _increments(result: Result) -> list[tuple[Decimal, Decimal]]:
    previous = (Decimal(0), Decimal(0))
    out: list[tuple[Decimal, Decimal]] = []
    for stage in result.stages:
        out.append((stage.non_transferable - previous[0], stage.rounding_loss - previous[1]))
        previous = (stage.non_transferable, stage.rounding_loss)
    return out


def _summary_lines(result: Result) -> list[tuple[str, str]]:
    rows = [("Method", f"{result.method} — {result.rule}")]
    if result.title:
        rows.append(("Title", result.title))
    rows += [
        ("Seats", str(result.seats)),
        ("Valid ballots", str(result.valid_ballots)),
        ("Invalid ballots", str(result.invalid_ballots)),
    ]
    if result.quota is not None:
        rows.append(("Quota", decimal_text(result.quota)))
    if result.outcome:
        rows.append(("Outcome", result.outcome))
    rows.append(("Seed", result.seed))
    return rows


def _invalid_groups(invalid: Sequence[InvalidBallot]) -> list[tuple[str, int, list[int]]]:
    groups: dict[str, tuple[int, list[int]]] = {}
    for item in invalid:
        count, lines = groups.get(item.reason, (0, []))
        lines.append(item.line)
        groups[item.reason] = (count + item.count, lines)
    return [(reason, count, lines) for reason, (count, lines) in groups.items()]


def to_text(result: Result) -> str:
    out: list[str] = ["Rank & File tally", ""]
    width = max(len(k) for k, _ in _summary_lines(result))
    out += [f"{k.ljust(width)}  {v}" for k, v in _summary_lines(result)]
    name_width = max([len(n) for n in result.candidates] + [len("non-transferable")])
    increments = _increments(result)
    has_transfers = any(stage.action in ("surplus", "exclusion", "elimination") for stage in result.stages)
    has_loss = any(stage.rounding_loss for stage in result.stages) or result.method == "stv-scottish"
    for stage, (nt_step, loss_step) in zip(result.stages, increments, strict=True):
        out += ["", f"Stage {stage.number} — {stage_title(stage)}"]
        if stage.quota is not None:
            out.append(f"  quota {decimal_text(stage.quota)}")
        header = "total" if not has_transfers else "transfer".rjust(16) + "total".rjust(18)
        out.append(f"  {'candidate'.ljust(name_width)}  {header.rjust(16) if not has_transfers else header}")
        for name in result.candidates:
            total = decimal_text(stage.totals[name])
            status = ""
            if name in stage.elected:
                status = "  elected"
            elif name in stage.excluded:
                status = "  excluded"
            if has_transfers:
                transfer = stage.transfers[name]
                shown = "" if transfer == 0 else _signed(transfer)
                out.append(f"  {name.ljust(name_width)}  {shown.rjust(16)}{total.rjust(18)}{status}")
            else:
                out.append(f"  {name.ljust(name_width)}  {total.rjust(16)}{status}")
        if has_transfers:
            residuals = [("non-transferable", nt_step, stage.non_transferable)]
            if has_loss:
                residuals.append(("rounding loss", loss_step, stage.rounding_loss))
            for label, step, total_value in residuals:
                shown = "" if step == 0 else _signed(step)
                out.append(f"  {label.ljust(name_width)}  {shown.rjust(16)}{decimal_text(total_value).rjust(18)}")
        if stage.keep_factors is not None:
            kept = ", ".join(f"{n} {decimal_text(v)}" for n, v in stage.keep_factors.items() if 0 < v < 1)
            if kept:
                out.append(f"  keep factors: {kept}")
        if stage.note:
            out.append(f"  ({stage.note})")
    out += ["", "Elected, in order:" if result.elected else "Elected: nobody"]
    out += [f"  {i}. {name}" for i, name in enumerate(result.elected, start=1)]
    if result.ranking is not None:
        out += ["", "Ranking:"]
        out += [f"  {i}. {' = '.join(tier)}" for i, tier in enumerate(result.ranking, start=1)]
    if result.dropped:
        out += ["", f"Dropped by the default option: {', '.join(result.dropped)}"]
    if result.tie_breaks:
        out += ["", "Tie-breaks:"]
        for t in result.tie_breaks:
            chosen = t.chosen if t.chosen is not None else "undecided"
            out.append(f"  stage {t.stage}, {t.kind}: {' / '.join(t.candidates)} -> {chosen} ({t.reason})")
    if result.notes:
        out += ["", "Notes:"] + [f"  {n}" for n in result.notes]
    if result.invalid:
        out += ["", "Invalid ballots (line of the file: ballots):"]
        for reason, count, _lines in _invalid_groups(result.invalid):
            out.append(f"  {reason}: {count}")
            items = [f"{i.line}" + (f"x{i.count}" if i.count > 1 else "") for i in result.invalid if i.reason == reason]
            out += _wrap(items, indent="    ")
    return "\n".join(out) + "\n"


def _signed(value: Decimal) -> str:
    text = decimal_text(value)
    return text if text.startswith("-") else "+" + text


def _wrap(items: list[str], *, indent: str, width: int = 100) -> list[str]:
    lines: list[str] = []
    current = indent
    for item in items:
        piece = item + ", "
        if len(current) + len(piece) > width and current.strip():
            lines.append(current.rstrip(", "))
            current = indent
        current += piece
    if current.strip():
        lines.append(current.rstrip(", "))
    return lines


def to_csv(result: Result) -> str:
    """One row per candidate per stage, then the non-transferable and rounding-loss rows of the stage.

    For spreadsheets: a name that could be a formula is written as text (rankandfile/csv_safe.py).
    """
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, lineterminator="\n")
    writer.writerow(["stage", "action", "acted_on", "candidate", "total", "transfer", "status"])
    increments = _increments(result)
    for stage, (nt_step, loss_step) in zip(result.stages, increments, strict=True):
        acted = "; ".join(stage.candidates)
        for name in result.candidates:
            status = "elected" if name in stage.elected else "excluded" if name in stage.excluded else ""
            writer.writerow(
                [
                    stage.number,
                    stage.action,
                    acted,
                    name,
                    decimal_text(stage.totals[name]),
                    decimal_text(stage.transfers[name]),
                    status,
                ]
            )
        for label, total, step in (
            ("(non-transferable)", stage.non_transferable, nt_step),
            ("(rounding loss)", stage.rounding_loss, loss_step),
        ):
            writer.writerow([stage.number, stage.action, acted, label, decimal_text(total), decimal_text(step), ""])
    return buffer.getvalue()


def to_html(result: Result) -> str:
    """A fragment for a results page: summary, stage table (candidates x stages), elected, ties, invalid."""
    e = html.escape
    parts: list[str] = ['<section class="tally-report">']
    if result.title:
        parts.append(f"<h2>{e(result.title)}</h2>")
    parts.append('<dl class="tally-summary">')
    for key, value in _summary_lines(result):
        parts.append(f"<dt>{e(key)}</dt><dd>{e(value)}</dd>")
    parts.append("</dl>")
    parts.append('<div class="tally-table-wrap"><table class="tally-stages">')
    parts.append("<caption>Stage by stage: total at the end of each stage, transfer received in it</caption>")
    parts.append('<thead><tr><th scope="col">Candidate</th>')
    for stage in result.stages:
        parts.append(f'<th scope="col">Stage {stage.number}<br><small>{e(stage_title(stage))}</small></th>')
    parts.append("</tr></thead><tbody>")
    increments = _increments(result)
    for name in result.candidates:
        parts.append(f'<tr><th scope="row">{e(name)}</th>')
        for stage in result.stages:
            css = "elected" if name in stage.elected else "excluded" if name in stage.excluded else ""
            transfer = stage.transfers[name]
            extra = f"<br><small>{e(_signed(transfer))}</small>" if transfer != 0 else ""
            attr = f' class="{css}"' if css else ""
            parts.append(f"<td{attr}>{e(decimal_text(stage.totals[name]))}{extra}</td>")
        parts.append("</tr>")
    for label, index in (("Non-transferable", 0), ("Rounding loss", 1)):
        parts.append(f'<tr class="tally-residual"><th scope="row">{label}</th>')
        for stage, steps in zip(result.stages, increments, strict=True):
            total = stage.non_transferable if index == 0 else stage.rounding_loss
            step = steps[index]
            extra = f"<br><small>{e(_signed(step))}</small>" if step != 0 else ""
            parts.append(f"<td>{e(decimal_text(total))}{extra}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    if result.elected:
        parts.append('<h3>Elected</h3><ol class="tally-elected">')
        parts += [f"<li>{e(name)}</li>" for name in result.elected]
        parts.append("</ol>")
    else:
        parts.append('<p class="tally-elected">Nobody is elected.</p>')
    if result.ranking is not None:
        parts.append('<h3>Ranking</h3><ol class="tally-ranking">')
        parts += [f"<li>{' = '.join(e(n) for n in tier)}</li>" for tier in result.ranking]
        parts.append("</ol>")
    if result.tie_breaks:
        parts.append('<h3>Tie-breaks</h3><ul class="tally-ties">')
        for t in result.tie_breaks:
            chosen = t.chosen if t.chosen is not None else "undecided"
            parts.append(
                f"<li>Stage {t.stage}, {e(t.kind)}: {e(' / '.join(t.candidates))} → {e(chosen)} ({e(t.reason)})</li>"
            )
        parts.append("</ul>")
    if result.notes:
        parts.append('<ul class="tally-notes">' + "".join(f"<li>{e(n)}</li>" for n in result.notes) + "</ul>")
    if result.invalid:
        parts.append('<h3>Invalid ballots</h3><ul class="tally-invalid">')
        for reason, count, lines in _invalid_groups(result.invalid):
            shown = ", ".join(str(n) for n in lines)
            parts.append(f"<li>{e(reason)}: {count} (lines {e(shown)})</li>")
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts) + "\n"
