"""The BLT file as a stream of tokens, and the parts of it that come before and after the ballots.

The format (Hill, Wichmann & Woodall 1987) does not need newlines; the dialects in use add comments (`#` to the end
of the line, `/* ... */`), ballot ids `(id)`, quoted source and comment lines after the title (Wichmann's ERS
validation files) and options in brackets between the header and the ballots (Droop, OpenSTV):

- `[withdrawn n ...]`: withdrawn candidates (as the `-n` numbers of the original format);
- `[tie n ...]`: a declared tie-break order, used where the rule would draw a lot;
- `[nick name ...]`: a nickname for each candidate, which ballots, `[tie]` and `[withdrawn]` may use;
- `[droop ...]`: options for the Droop counter: read and reported, not applied (the count's rule and options come
  from the command line).

Any other option is refused by name. Candidates are given by number (from 1) or, after `[nick]`, by nickname.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rankandfile.counting.model import InputError, normal_name

_TOKEN = re.compile(
    r"""(?P<newline>\n)
      |(?P<space>[ \t\r\f\v]+)
      |(?P<comment>\#[^\n]*)
      |(?P<block>/\*.*?\*/)
      |(?P<text>"(?:[^"\\\n]|\\.)*")
      |(?P<option>\[[^\]]*\])
      |(?P<id>\([^)\n]*\))
      |(?P<word>(?:[^\s\#"\[(/]|/(?!\*))+)
      |(?P<bad>/\*|"|\[|\(|.)""",
    re.VERBOSE | re.DOTALL,
)
_OPTION_WORD = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_WITHDRAWN = re.compile(r"-\d+")
_UNCLOSED = {
    "/*": "unclosed /* comment",
    '"': "unclosed quote in a name",
    "[": "unclosed [ option",
    "(": "unclosed ( id",
}


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "text" (a quoted string), "option" ([...]) or "id" ((...))
    text: str
    line: int
    end: int  # offset just after the token


class Tokens:
    """The tokens of a text, with one token of look-ahead; comments and white space are skipped."""

    def __init__(self, text: str, source: str, *, first_line: int = 1, start: int = 0) -> None:
        self.text = text
        self.source = source
        self.line = first_line
        self._scan = self._tokens(start)
        self._ahead: Token | None = None
        self._done = False

    def _tokens(self, start: int) -> Iterator[Token]:
        for match in _TOKEN.finditer(self.text, start):
            kind = match.lastgroup
            value = match.group()
            if kind == "newline":
                self.line += 1
            elif kind in ("space", "comment"):
                continue
            elif kind == "block":
                self.line += value.count("\n")
            elif kind == "bad":
                reason = _UNCLOSED.get(value, f"unexpected character {value!r}")
                raise InputError(self.source, self.line, reason)
            else:
                assert kind is not None
                token = Token(kind, value, self.line, match.end())
                self.line += value.count("\n")
                yield token

    def peek(self) -> Token | None:
        if self._ahead is None and not self._done:
            self._ahead = next(self._scan, None)
            self._done = self._ahead is None
        return self._ahead

    def next(self) -> Token | None:
        token = self.peek()
        self._ahead = None
        return token


@dataclass
class Prelude:
    """What comes between the header and the ballots: withdrawn candidates and options."""

    source: str
    n_candidates: int
    withdrawn: set[int] = field(default_factory=set)
    nicknames: dict[str, int] = field(default_factory=dict)
    tie_order: tuple[int, ...] | None = None
    notes: list[str] = field(default_factory=list)
    _pending: list[tuple[str, list[str], int]] = field(default_factory=list)

    def read(self, tokens: Tokens) -> None:
        """Take the withdrawn numbers and options that follow the header, up to the first ballot."""
        while (token := tokens.peek()) is not None:
            if token.kind == "word" and _WITHDRAWN.fullmatch(token.text):
                self.withdraw(token.text[1:], token.line)
            elif token.kind == "option":
                self.option(token)
            else:
                break
            tokens.next()
        for name, words, line in self._pending:  # [tie] and [withdrawn] may name candidates by a later [nick]
            if name == "withdrawn":
                for word in words:
                    self.withdraw(word, line)
            else:
                self.tie(words, line)

    def option(self, token: Token) -> None:
        words = [quoted if quoted else plain for quoted, plain in _OPTION_WORD.findall(token.text[1:-1])]
        if not words:
            raise InputError(self.source, token.line, "an empty [] option")
        name, args = words[0], words[1:]
        if name == "nick":
            if len(args) != self.n_candidates:
                raise InputError(
                    self.source, token.line, f"[nick] gives {len(args)} nicknames for {self.n_candidates} candidates"
                )
            for index, nick in enumerate(args):
                if nick in self.nicknames or nick.isdigit():
                    raise InputError(self.source, token.line, f"nickname {nick!r} is a number or used twice")
                self.nicknames[nick] = index
        elif name in ("withdrawn", "tie"):
            self._pending.append((name, args, token.line))
        elif name == "droop":
            self.notes.append(f"the file's options [{' '.join(words)}] were read and not applied")
        else:
            raise InputError(self.source, token.line, f"`[{name}]` options are not supported")

    def candidate(self, word: str, line: int) -> int:
        """A candidate's index from its number (from 1) or its nickname."""
        if word.isdigit():
            number = int(word)
            if not 1 <= number <= self.n_candidates:
                raise InputError(
                    self.source, line, f"unknown candidate {number}: there are {self.n_candidates} candidates"
                )
            return number - 1
        index = self.nicknames.get(word)
        if index is None:
            if not self.nicknames:
                raise InputError(self.source, line, f"cannot read {word!r} as a candidate number")
            raise InputError(self.source, line, f"unknown candidate nickname {word!r}")
        return index

    def withdraw(self, word: str, line: int) -> None:
        if word.isdigit() and not 1 <= int(word) <= self.n_candidates:
            raise InputError(
                self.source, line, f"withdrawn candidate {int(word)} is not one of the {self.n_candidates} candidates"
            )
        self.withdrawn.add(self.candidate(word, line))

    def tie(self, words: list[str], line: int) -> None:
        order = tuple(self.candidate(word, line) for word in words)
        if sorted(order) != list(range(self.n_candidates)):
            raise InputError(self.source, line, "[tie] must list every candidate once")
        self.tie_order = order


def read_names(
    text: str, source: str, line: int, n_candidates: int
) -> tuple[tuple[str, ...], str, tuple[str, ...], int]:
    """The candidates' names, the title and what follows it, from the text after the ballots' closing 0.

    `line` is the line on which `text` starts. A name is quoted (several may share a line; \\" inside) or is the
    rest of its line. After the title, quoted lines are the file's source and comment (Wichmann's ERS files); any
    other text there is not read, and the notes say so. Returns names, title, notes and the last line read.
    """
    items: list[tuple[int, str, bool]] = []
    pos, size = 0, len(text)
    while pos < size:
        char = text[pos]
        if char == "\n":
            line += 1
            pos += 1
        elif char in " \t\r\f\v":
            pos += 1
        elif char == "#":
            end = text.find("\n", pos)
            pos = size if end < 0 else end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            if end < 0:
                raise InputError(source, line, "unclosed /* comment")
            line += text.count("\n", pos, end)
            pos = end + 2
        elif char == '"':
            match = _QUOTED.match(text, pos)
            if match is None:
                raise InputError(source, line, "unclosed quote in a name")
            items.append((line, match.group(1).replace('\\"', '"').strip(), True))
            pos = match.end()
        else:
            end = text.find("\n", pos)
            end = size if end < 0 else end
            items.append((line, text[pos:end].strip(), False))
            pos = end
    names: list[str] = []
    seen: set[str] = set()
    for item_line, name, _ in items[:n_candidates]:
        if normal_name(name) in seen:
            raise InputError(source, item_line, f"candidate name {name!r} appears twice")
        seen.add(normal_name(name))
        names.append(name)
    if len(names) < n_candidates:
        last = items[-1][0] if items else line
        raise InputError(
            source, last, f"the header announces {n_candidates} candidates but {len(names)} names follow the ballots"
        )
    title = items[n_candidates][1] if len(items) > n_candidates else ""
    notes: list[str] = []
    rest = items[n_candidates + 1 :]
    labels = iter(("source", "comment"))
    while rest and rest[0][2] and (label := next(labels, None)) is not None:
        notes.append(f"{label} (from the file): {rest[0][1]}")
        rest = rest[1:]
    if rest:
        first, last = rest[0][0], rest[-1][0]
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        notes.append(f"text after the title ({where} of the file) was not read")
    last_line = items[-1][0] if items else line
    return tuple(names), title, tuple(notes), last_line


_QUOTED = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
