"""Markdown texts are rendered with markdown-it-py and sanitized with nh3."""

from __future__ import annotations

from rankandfile.proposals.rendering import render_markdown


def test_it_renders_markdown() -> None:
    html = render_markdown("# Fund\n\nThe branch sets up a *strike fund*:\n\n- £500\n- monthly")
    assert "<h1>Fund</h1>" in html and "<em>strike fund</em>" in html and "<li>£500</li>" in html


def test_it_removes_scripts_handlers_and_javascript_links() -> None:
    html = render_markdown(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3)) '
        '<a href="https://example.org" onclick="x()">ok</a>'
    )
    # Raw HTML stays visible as text, escaped; no tag or attribute of it survives.
    assert "<script" not in html and "<img" not in html and "<a href" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_it_marks_links_as_nofollow() -> None:
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html and "nofollow" in html
