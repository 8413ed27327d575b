"""Server-side SVG charts (no JavaScript, no build): floor-share bars, a trend line, survival curves with bands.

Each chart is decorative beside its table (`aria-hidden` is not used: the SVG has a `<title>` and `role="img"`,
and the table next to it holds every number). Suppressed figures are drawn as a hatched gap, never as zero.
Colours come from presentation attributes; no inline `style` (the CSP forbids it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 240, 44, 36, 12
ROLE, OTHER, GAP, GRID, BAND_A, BAND_B = "#b3261e", "#1e6bb3", "#9a9a9a", "#d0d0d0", "#1e6bb3", "#b3261e"


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[float, float]]  # (x, y) in data units
    colour: str
    band: Sequence[tuple[float, float, float]] = ()  # (x, low, high)


def _frame(title: str, body: list[str], y_labels: Sequence[tuple[float, str]], height: int = HEIGHT) -> str:
    plot_h = height - PAD_BOTTOM - PAD_TOP
    grid = []
    for fraction, label in y_labels:
        y = PAD_TOP + plot_h * (1 - fraction)
        grid.append(f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        grid.append(f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{escape(label)}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="chart" '
        f'width="100%" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>'
        + "".join(grid)
        + "".join(body)
        + "</svg>"
    )


def share_bars(title: str, bars: Sequence[tuple[str, float | None]]) -> str:
    """One 100 % bar per period: the role holders' share (red) under the others' (blue); None: suppressed."""
    if not bars:
        return ""
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(bars)
    width = max(min(step * 0.7, 60), 4)
    body = []
    for index, (label, share) in enumerate(bars):
        x = PAD_LEFT + index * step + (step - width) / 2
        if share is None:
            body.append(
                f'<rect x="{x:.1f}" y="{PAD_TOP}" width="{width:.1f}" height="{plot_h}" fill="none" '
                f'stroke="{GAP}" stroke-dasharray="4 3"><title>{escape(label)}: fewer than 5</title></rect>'
            )
        else:
            role_h = plot_h * share
            body.append(
                f'<rect x="{x:.1f}" y="{PAD_TOP}" width="{width:.1f}" height="{plot_h - role_h:.1f}" fill="{OTHER}">'
                f"<title>{escape(label)}: members without a role {1 - share:.0%}</title></rect>"
            )
            body.append(
                f'<rect x="{x:.1f}" y="{PAD_TOP + plot_h - role_h:.1f}" width="{width:.1f}" height="{role_h:.1f}" '
                f'fill="{ROLE}"><title>{escape(label)}: role holders {share:.0%}</title></rect>'
            )
        if len(bars) <= 16 or index % max(len(bars) // 8, 1) == 0:
            body.append(
                f'<text x="{x + width / 2:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" '
                f'font-size="11">{escape(label)}</text>'
            )
    return _frame(title, body, [(0, "0%"), (0.5, "50%"), (1, "100%")])


def trend(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]]) -> str:
    """Lines over periods; a None (suppressed) breaks the line and is marked with a dashed tick."""
    values = [v for _name, vs, _c in series for v in vs if v is not None]
    if not labels:
        return ""
    top = max(*values, 1.0) if values else 1.0
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(labels) - 1, 1)
    body = []
    for name, vs, colour in series:
        segment: list[str] = []
        for index, value in enumerate(vs):
            if value is None:
                body.append(_polyline(segment, colour))
                segment = []
                x = PAD_LEFT + index * step
                body.append(
                    f'<line x1="{x:.1f}" y1="{PAD_TOP}" x2="{x:.1f}" y2="{PAD_TOP + plot_h}" stroke="{GAP}" '
                    f'stroke-dasharray="4 3"><title>{escape(labels[index])}: fewer than 5</title></line>'
                )
                continue
            x, y = PAD_LEFT + index * step, PAD_TOP + plot_h * (1 - value / top)
            segment.append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(labels[index])}: '
                f"{escape(name)} {value:g}</title></circle>"
            )
        body.append(_polyline(segment, colour))
    for index, label in enumerate(labels):
        if len(labels) <= 12 or index % max(len(labels) // 8, 1) == 0:
            x = PAD_LEFT + index * step
            body.append(
                f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" font-size="11">'
                f"{escape(label)}</text>"
            )
    return _frame(title, body, [(0, "0"), (0.5, f"{top / 2:g}"), (1, f"{top:g}")])


def _polyline(points: list[str], colour: str) -> str:
    if len(points) < 2:
        return ""
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


def survival(title: str, series: Sequence[Series], last_day: int) -> str:
    """Step curves of survival (0–1) over days since joining, each with its 95 % band shaded."""
    if not series or last_day <= 0:
        return ""
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP

    def xy(day: float, value: float) -> tuple[float, float]:
        return PAD_LEFT + plot_w * min(day / last_day, 1.0), PAD_TOP + plot_h * (1 - value)

    body = []
    for s in series:
        if s.band:
            upper = [xy(d, hi) for d, _lo, hi in s.band]
            lower = [xy(d, lo) for d, lo, _hi in reversed(s.band)]
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in upper + lower)
            body.append(f'<polygon points="{pts}" fill="{s.colour}" fill-opacity="0.15" stroke="none"/>')
        steps: list[str] = []
        previous = 1.0
        for day, value in s.points:
            x, y_prev = xy(day, previous)
            _x, y = xy(day, value)
            steps += [f"{x:.1f},{y_prev:.1f}", f"{x:.1f},{y:.1f}"]
            previous = value
        end_x, end_y = xy(last_day, previous)
        start_x, start_y = xy(0, 1.0)
        body.append(_polyline([f"{start_x:.1f},{start_y:.1f}", *steps, f"{end_x:.1f},{end_y:.1f}"], s.colour))
    for months in range(0, last_day // 30 + 1, 6 if last_day > 400 else 3):
        x, _y = xy(months * 30.4, 0)
        if months * 30.4 <= last_day:
            body.append(
                f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" font-size="11">'
                f"{months} mo</text>"
            )
    return _frame(title, body, [(0, "0%"), (0.5, "50%"), (1, "100%")])
