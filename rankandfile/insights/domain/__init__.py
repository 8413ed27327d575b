"""The culture measures: pure functions over plain frozen records (no Django, no I/O).

`records` holds the inputs, one module per measure holds its one implementation, and `suppression` decides what
may be shown to members (k = 5). The definitions, formulas and worked examples are in `docs/insights.md`.
"""
