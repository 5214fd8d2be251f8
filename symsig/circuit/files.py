r"""Netlist files: the logical lines of a netlist with `.include` and `.lib` read in, each line
knowing where it was written.

A line is a `Place` (its line number in its own file, the file, and where that file was
included) and its text, comments stripped and `+` continuations joined. Reading is bounded:
`MAX_INCLUDE_DEPTH` files open inside one another, `MAX_FILES` files (or library sections) read
in one netlist, `MAX_CHARS` characters in all; a file that includes itself, directly or through
others, is an error that names the chain. Relative paths are relative to the including file
(the netlist itself: its directory, or the working directory for text from standard input).

`.lib FILE SECTION` reads the lines between `.lib SECTION` and `.endl` in FILE (ngspice's
corner libraries); `.lib FILE` with no section reads the whole file, as LTspice does. LTspice
writes a `.lib` line for its own device libraries (`.lib C:\...\cmp\standard.bjt`) into every
exported netlist: when that file is not there it is skipped with a note (a device that needed
one of its models then says its model is missing). Lines after `.end` are not read, `.end` in an
included file ends that file, and a `.control` ... `.endc` block (ngspice commands) is skipped
with a note.
"""

from __future__ import annotations

import ntpath
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import NetlistError

MAX_INCLUDE_DEPTH = 16
MAX_FILES = 1_000
MAX_CHARS = 64_000_000

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_INCLUDE = {".include", ".inc", ".incl"}
# LTspice's own device libraries, which its exported netlists name by their installed path
_LTSPICE_LIBRARIES = re.compile(r"standard\.(bjt|mos|dio|jft|cap|ind|res|bead)", re.I)


@dataclass(frozen=True)
class Place:
    """Where a line was written: `line` in `file` (None: the netlist itself), which was
    included at `parent`."""

    line: int
    file: str | None = None
    parent: Place | None = None

    @property
    def top(self) -> int:
        """The line of the netlist itself this line comes from (an include's own line)."""
        place = self
        while place.parent is not None:
            place = place.parent
        return place.line

    def inner(self) -> str | None:
        """'part.cir line 2' for a line of an included file (nested includes joined by
        ', included by ...'); None for a line of the netlist itself."""
        if self.file is None:
            return None
        parts, place = [], self
        while place is not None and place.file is not None:
            parts.append(f"{place.file} line {place.line}")
            place = place.parent
        return ", included by ".join(parts)

    def error(self, message: str) -> NetlistError:
        """A `NetlistError` at this place: the netlist's own line first (what every error
        names), then the included file's line."""
        inner = self.inner()
        return NetlistError(f"in {inner}: {message}" if inner else message, self.top)


def relocate(exc: NetlistError, place: Place) -> NetlistError:
    """`exc` (raised with the line number of `place` in its own file) told from `place`."""
    return place.error(exc.message)


@dataclass
class Lines:
    """What reading gives: the logical lines in order, and notes on what was skipped."""

    lines: list[tuple[Place, str]]
    notes: list[str]


def logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """(line number, text) with comments stripped and `+` continuations joined."""
    pending: tuple[int, str] | None = None
    # lines end at \n, \r\n or \r only (str.splitlines would also break at form feeds and
    # Unicode separators, miscounting lines and reading a comment's tail as an element)
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.split(";", 1)[0].rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("*"):
            continue
        if stripped.startswith("+"):
            if pending is None:
                raise NetlistError("continuation line '+' with nothing to continue", number)
            pending = (pending[0], pending[1] + " " + stripped[1:])
            continue
        if pending is not None:
            yield pending
        pending = (number, stripped)
    if pending is not None:
        yield pending


def file_arguments(content: str) -> list[str]:
    """The words after a command, with "quoted" or 'quoted' words kept whole (KiCad quotes
    its include paths)."""
    rest = content.split(None, 1)[1] if len(content.split(None, 1)) > 1 else ""
    return [a or b or c for a, b, c in re.findall(r'"([^"]*)"|\'([^\']*)\'|(\S+)', rest)]


@dataclass
class _Open:
    """One file being read."""

    lines: Iterator[tuple[int, str]]
    file: str | None
    directory: Path
    parent: Place | None
    key: tuple[str, str | None] | None
    section: str | None = None  # reading only this .lib section
    in_section: bool = False
    found: bool = False
    sections: tuple[str, ...] = ()


def read(text: str, directory: str | os.PathLike | None = None, files: bool = True) -> Lines:
    """The logical lines of netlist `text` with its includes read in (see the module's
    docstring); `directory` is where relative paths start (default: the working directory).
    `files=False` refuses every `.include` and `.lib` (for text from an untrusted source)."""
    base = Path(directory) if directory is not None else Path.cwd()
    out: list[tuple[Place, str]] = []
    notes: list[str] = []
    stack = [_Open(iter(logical_lines(text)), None, base, None, None)]
    budget = {"files": 0, "chars": len(text)}
    while stack:
        reader = stack[-1]
        try:
            number, content = next(reader.lines)
        except StopIteration:
            stack.pop()
            if reader.section is not None and not reader.found:
                have = ", ".join(reader.sections) or "none"
                raise reader.parent.error(f"no section {reader.section!r} in {reader.file} "
                                          f"(its sections: {have})") from None
            continue
        except NetlistError as exc:  # a stray continuation line
            raise Place(exc.line or 0, reader.file, reader.parent).error(exc.message) from None
        place = Place(number, reader.file, reader.parent)
        word = content.split(None, 1)[0].lower()
        if reader.section is not None:  # a library: only the section asked for is read
            if word == ".lib" and len(file_arguments(content)) == 1:
                name = file_arguments(content)[0]
                if reader.in_section:
                    raise place.error(f".lib {name}: a section inside section "
                                      f"{reader.section!r} (missing .endl?)")
                reader.sections += (name,)
                reader.in_section = name.lower() == reader.section.lower()
                reader.found |= reader.in_section
                continue
            if word == ".endl":
                if reader.in_section:  # the section is read: stop reading this file
                    stack.pop()
                continue
            if not reader.in_section:
                continue
        if word == ".control":
            _skip_block(reader, place, ".endc", ".control")
            notes.append(_note(place, ".control ... .endc block ignored (simulator commands)"))
        elif word in _INCLUDE:
            args = file_arguments(content)
            if len(args) != 1:
                raise place.error(f"{word} expects one file name: {word} FILE")
            stack.append(_open(args[0], None, place, reader, stack, budget, files))
        elif word == ".lib":
            args = file_arguments(content)
            if not args or len(args) > 2:
                raise place.error(".lib expects a file and a section: .lib FILE SECTION "
                                  "(or .lib FILE to read the whole file)")
            if len(args) == 1 and files and not _exists(reader, args[0]) and \
                    not _LTSPICE_LIBRARIES.fullmatch(ntpath.basename(args[0])):
                # a library read whole defines sections nobody asked for: skip them
                _skip_block(reader, place, ".endl", f".lib {args[0]}")
                notes.append(_note(place, f"library section {args[0]!r} not asked for: "
                                          "skipped"))
                continue
            section = args[1] if len(args) == 2 else None
            opened = _open(args[0], section, place, reader, stack, budget, files)
            if opened is None:
                notes.append(_note(place, f"LTspice's library {args[0]} is not here: skipped "
                                          "(its models are LTspice's own)"))
            else:
                stack.append(opened)
        elif word == ".endl":
            raise place.error(".endl without a .lib section before it")
        elif word == ".end":
            stack.pop()  # .end ends the file it is in (the netlist itself: everything)
            if reader.file is None:
                break
        else:
            out.append((place, content))
    return Lines(out, notes)


def _exists(reader: _Open, name: str) -> bool:
    path = Path(os.path.expanduser(name))
    return (path if path.is_absolute() else reader.directory / path).is_file()


def _note(place: Place, text: str) -> str:
    inner = place.inner()
    return f"line {place.top}: " + (f"in {inner}: " if inner else "") + text


def _skip_block(reader: _Open, place: Place, end: str, what: str) -> None:
    """Skip the lines up to `end` (.endc, .endl); a block never closed is an error."""
    for _number, content in reader.lines:
        if content.split(None, 1)[0].lower() == end:
            return
    if end == ".endl":
        raise place.error(f"cannot read {what.split(None, 1)[1]}: no such file (and no .endl "
                          "after it, so it is not a library section either)")
    raise place.error(f"{what} has no {end} after it")


def _open(name: str, section: str | None, place: Place, reader: _Open, stack: list[_Open],
          budget: dict[str, int], allowed: bool) -> _Open | None:
    """Start reading file `name` (relative to `reader`'s directory) or one of its sections;
    None for one of LTspice's own libraries that is not there."""
    what = ".include" if section is None else ".lib"
    if not allowed:
        raise place.error(f"{what} {name}: reading other files is turned off")
    if len(stack) > MAX_INCLUDE_DEPTH:
        raise place.error(f"{what} {name}: files included more than {MAX_INCLUDE_DEPTH} deep")
    budget["files"] += 1
    if budget["files"] > MAX_FILES:
        raise place.error(f"{what} {name}: more than {MAX_FILES} files read for one netlist")
    path = Path(os.path.expanduser(name))
    if not path.is_absolute():
        path = reader.directory / path
    try:
        key = (os.path.realpath(path), section.lower() if section else None)
    except (OSError, ValueError):
        key = (str(path), section)
    chain = [r for r in stack if r.key is not None]
    if any(r.key == key for r in chain):
        names = [r.file for r in chain[[r.key for r in chain].index(key):]]
        raise place.error(f"{what} {name}: a cycle of included files: "
                          f"{' -> '.join([*names, name])}")
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        with open(path, "rb") as f:
            data = f.read(MAX_CHARS - budget["chars"] + 1)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and section is None and \
                _LTSPICE_LIBRARIES.fullmatch(ntpath.basename(name)):
            return None
        raise place.error(f"cannot read {name}: {exc.strerror or exc}") from None
    budget["chars"] += len(data)
    if budget["chars"] > MAX_CHARS:
        raise place.error(f"{what} {name}: more than {MAX_CHARS:,} characters read for one "
                          "netlist")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise place.error(f"{name} line {line}: not UTF-8 text (byte "
                          f"0x{data[exc.start]:02x}); save it as UTF-8") from None
    return _Open(iter(logical_lines(text)), name, path.parent, place, key, section)


class NetlistText(str):
    """Netlist text that knows the folder its relative `.include` and `.lib` paths start from
    (`parse` reads its `directory`); otherwise an ordinary string."""

    directory: str | None

    def __new__(cls, text: str, directory: str | os.PathLike | None = None) -> NetlistText:
        out = super().__new__(cls, text)
        out.directory = None if directory is None else os.fspath(directory)
        return out
