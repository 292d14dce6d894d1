"""The console at a terminal: line editing, history and completion through prompt_toolkit.

Imported only when standard input and output are both terminals, so one-shot commands and
piped input never load prompt_toolkit. History is kept in ``$XDG_STATE_HOME/connects-bot/
history`` (``~/.local/state/connects-bot/history`` by default); completion offers the catalog's
command names, then the chosen command's option names and the values of options with a fixed
set of them (``size:``, ``reason:``, booleans).

A pasted job post is text, never commands: after ``/paste`` (or a line ending at ``post:``) the
post is read at a prompt of its own that ends with the terminal's paste (bracketed paste), at a
line reading the end word the prompt names, or at Ctrl-D; whatever arrived in the same burst
as the paste is dropped with it. A paste of several lines at the command prompt is a post too
(``/paste`` and the text). Posts are never kept in the history.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input, create_input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import Output, create_output
from prompt_toolkit.patch_stdout import patch_stdout

from adapters.console.console import awaits_post, post_prompt, with_post
from core.interface.catalog import COMMANDS, Command, OptionType, find

log = logging.getLogger("connects.console")

BOOLEANS = ("true", "false")


def history_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the console keeps its history: under ``$XDG_STATE_HOME`` when that is an absolute
    path, else ``~/.local/state``."""
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / "connects-bot" / "history"


def open_history(path: Path) -> History:
    """The history file at ``path``, created (with its folders) if missing; kept in memory
    for this session only, with a warning, when it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
    except OSError as exc:
        log.warning("console history is not kept: %s (%s)", path, exc.strerror or exc)
        return InMemoryHistory()
    return FileHistory(str(path))


def _split(text: str) -> tuple[list[str], str, bool]:
    """The words of ``text`` before the one being typed, that word, and whether the cursor is
    inside a quoted value. Quotes group words as the text syntax does (``\\"`` inside)."""
    words: list[str] = []
    buf: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted and ch == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        if ch.isspace() and not quoted:
            if buf:
                words.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
        i += 1
    return words, "".join(buf), quoted


class CatalogCompleter(Completer):
    """Completes the text syntax from the catalog: ``/po`` → ``/pool add``…, ``/quote pr`` →
    ``price:``, ``size:m`` → ``size:medium``."""

    def __init__(self, commands: Iterable[Command] = COMMANDS) -> None:
        self.commands = tuple(commands)
        self.groups = {c.group for c in self.commands if c.group}

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        words, current, quoted = _split(document.text_before_cursor)
        if quoted:
            return
        if not words:
            yield from self._names(current)
            return
        first = words[0].lstrip("/").lower()
        if first in self.groups and len(words) == 1:
            yield from self._leaves(first, current)
            return
        command, used = self._command(first, words)
        if command is not None:
            yield from self._options(command, used, current)

    def _names(self, current: str) -> Iterator[Completion]:
        typed = current.lstrip("/").lower()
        for command in self.commands:
            if command.name.startswith(typed):
                yield Completion(
                    f"/{command.name}", -len(current), display_meta=command.description
                )

    def _leaves(self, group: str, current: str) -> Iterator[Completion]:
        for command in self.commands:
            if command.group == group and command.leaf.startswith(current.lower()):
                yield Completion(command.leaf, -len(current), display_meta=command.description)

    def _command(self, first: str, words: list[str]) -> tuple[Command | None, list[str]]:
        """The command the completed words name and the option words after it."""
        if first in self.groups:
            return find(f"{first} {words[1].lower()}"), words[2:]
        return find(first), words[1:]

    def _options(
        self, command: Command, used_words: list[str], current: str
    ) -> Iterator[Completion]:
        key, colon, value = current.partition(":")
        if colon:
            option = command.option(key)
            if option is None:
                return
            values = BOOLEANS if option.type is OptionType.BOOLEAN else option.choices
            for choice in values:
                if choice.startswith(value.lower()):
                    yield Completion(f"{key}:{choice}", -len(current), display=choice)
            return
        used = {w.split(":", 1)[0] for w in used_words if ":" in w}
        for option in command.options:
            if option.name not in used and option.name.startswith(current.lower()):
                yield Completion(f"{option.name}:", -len(current), display_meta=option.description)


def _pasted(data: str) -> str:
    """A terminal's pasted text with ``\n`` line ends (some paste ``\r\n`` or ``\r``)."""
    return data.replace("\r\n", "\n").replace("\r", "\n")


def _drop_burst(event: KeyPressEvent) -> None:
    """Drop the keys that arrived in the same read as a paste: they are the paste's (a post
    that closes the paste early to type commands after it), not keys the user typed."""
    event.app.key_processor.empty_queue()


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        """Ctrl-C drops the line being typed; on an empty line it ends the console."""
        buffer = event.current_buffer
        if buffer.text:
            buffer.reset()
        else:
            event.app.exit(exception=EOFError())

    @bindings.add(Keys.BracketedPaste)
    def _paste(event: KeyPressEvent) -> None:
        """A paste of several lines is a job post: on an empty line it is ``/paste`` and the
        post, after a line that waits for a post it is that post; it is read at once, the
        burst it came in with dropped. Inside other text its line breaks become spaces, so
        the line stays one command that the user sees whole before pressing Enter."""
        data = _pasted(event.data)
        buffer = event.current_buffer
        if "\n" not in data.strip():
            buffer.insert_text(data.replace("\n", " "))
            return
        typed = buffer.text.strip()
        if not typed or awaits_post(typed):
            _drop_burst(event)
            event.app.exit(result=with_post(typed or "/paste", data.strip()))
            return
        buffer.insert_text(" ".join(data.split("\n")))

    return bindings


class _PostKeys:
    """The keys of the post prompt: a paste is the whole post, read at once; typed or pasted
    without the terminal marking it, the post runs to a line reading ``end`` or to Ctrl-D;
    Enter inside it is a line break; Ctrl-C drops it."""

    def __init__(self) -> None:
        self.end = ""
        self.bindings = KeyBindings()
        add = self.bindings.add
        add(Keys.BracketedPaste)(self._paste)
        add("enter")(self._enter)
        add("c-d")(self._done)
        add("c-c")(self._cancel)

    def _paste(self, event: KeyPressEvent) -> None:
        event.current_buffer.insert_text(_pasted(event.data))
        _drop_burst(event)
        event.app.exit(result=event.current_buffer.text)

    def _enter(self, event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        head, _, last = buffer.text.rpartition("\n")
        if self.end and last.strip() == self.end:
            event.app.exit(result=head)
        else:
            buffer.insert_text("\n")

    def _done(self, event: KeyPressEvent) -> None:
        event.app.exit(result=event.current_buffer.text)

    def _cancel(self, event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt())


class PromptLines:
    """Lines typed at the prompt, with editing, history (up arrow, Ctrl-R) and completion.
    :meth:`read` returns ``None`` at Ctrl-D, or Ctrl-C on an empty line."""

    editing = True

    def __init__(
        self,
        prompt: str,
        *,
        history: History | None = None,
        stdin: TextIO | Input | None = None,
        stdout: TextIO | Output | None = None,
        patch: bool = True,
    ) -> None:
        self._stack = contextlib.ExitStack()
        input_ = stdin if isinstance(stdin, Input) or stdin is None else create_input(stdin)
        output = stdout if isinstance(stdout, Output) or stdout is None else create_output(stdout)
        self.session: PromptSession[str] = PromptSession(
            prompt,
            history=open_history(history_path()) if history is None else history,
            completer=CatalogCompleter(),
            complete_while_typing=True,
            enable_history_search=False,
            key_bindings=_bindings(),
            input=input_,
            output=output,
        )
        self._post_keys = _PostKeys()
        self.post_session: PromptSession[str] = PromptSession(
            "",
            history=InMemoryHistory(),  # a post is never kept
            multiline=True,
            key_bindings=self._post_keys.bindings,
            input=input_,
            output=output,
        )
        if patch:  # notices and log lines printed while the prompt is shown go above it
            self._stack.enter_context(patch_stdout())

    async def read(self) -> str | None:
        try:
            # the bot owns SIGINT (it stops every platform) and the loop's exception handler
            return await self.session.prompt_async(handle_sigint=False, set_exception_handler=False)
        except (EOFError, KeyboardInterrupt):
            return None

    async def read_post(self, end: str) -> str | None:
        """The pasted post; ``None`` when Ctrl-C drops it."""
        self._post_keys.end = end
        try:
            return await self.post_session.prompt_async(
                post_prompt(end) + "\n", handle_sigint=False, set_exception_handler=False
            )
        except KeyboardInterrupt:
            return None
        except EOFError:
            return ""

    def close(self) -> None:
        self._stack.close()
