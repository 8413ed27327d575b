"""Text helpers shared by the readers: decoding with the line of the first bad byte."""

from __future__ import annotations

from rankandfile.counting.model import InputError


def decode_line(raw: bytes, source: str, line: int) -> str:
    """One line (or token) of a file as UTF-8 text."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(source, line, "not valid UTF-8 text") from None


def decode_all(data: bytes, source: str, first_line: int = 1) -> str:
    """A whole file (or the rest of one, starting at `first_line`) as UTF-8 text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = first_line + data[: error.start].count(b"\n")
        raise InputError(source, line, "not valid UTF-8 text") from None
