"""The ``connects-bot`` command line.

``run`` starts every platform with credentials (the console when there are none); ``exec`` runs
one command and exits non-zero on any refusal; ``db upgrade``, ``db copy``, ``export``,
``model fit``, ``model show``, ``discord-invite`` and ``slack-manifest`` serve operators.
Platform libraries are imported only by the subcommands that need them, so the one-shot paths
stay light (scikit-learn only by a fit, in its worker thread).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bot.opsconfig import OpsConfig
from bot.settings import load
from core.base.config import Config, ConfigError

log = logging.getLogger("connects.cli")

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_CONFIRM = 0, 1, 2, 3


def _default_user() -> str:
    import getpass  # only when --user is not given

    try:
        return getpass.getuser() or "me"
    except Exception:
        return "me"


def _columns() -> int:
    """The terminal's width as argparse's help reads it (``shutil.get_terminal_size``):
    ``COLUMNS``, else standard output's terminal, else 80. Read here, since importing shutil
    (and the compression modules it imports) costs every start, help or not."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, the width read by :func:`_columns`."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, _columns() - 2 if width is None else width
        )


class _Parser(argparse.ArgumentParser):
    """A parser (and its subcommands' parsers) with :class:`_Formatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


COMMANDS = ("run", "exec", "db", "model", "export", "discord-invite", "slack-manifest")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given ``only`` (one of COMMANDS), with that subcommand alone,
    which parses its arguments exactly as the whole parser does and saves a start-up from
    building the other parsers (argparse looks up translations for every one)."""

    def wanted(name: str) -> bool:
        return only is None or only == name

    common = _Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        help="TOML config file (see "
        "config.example.toml); env CONNECTS_DATABASE_URL overrides storage.url",
    )
    common.add_argument(
        "--log-level",
        metavar="LEVEL",
        help="DEBUG, INFO, WARNING or ERROR (default: WARNING for exec, "
        "export, db and a run with only the console unless the config file "
        "sets [log] level; else [log] level, INFO by default)",
    )
    user = _Parser(add_help=False)
    user.add_argument(
        "--user",
        default=None,  # read from the system only when not given (see main)
        help="the local user the console acts for (default: your OS user name)",
    )

    parser = _Parser(
        prog="connects-bot", description="Price, spend, refund and account for Upwork Connects."
    )
    sub = parser.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    if wanted("run"):
        run = sub.add_parser(
            "run",
            parents=[common, user],
            help="start every platform with credentials (console if none)",
        )
        run.add_argument(
            "--no-sync",
            action="store_true",
            help="do not sync Discord application commands on start",
        )
        run.add_argument(
            "--console",
            action="store_true",
            help="also read console commands from stdin while platforms run",
        )
    if wanted("exec"):
        ex = sub.add_parser(
            "exec",
            parents=[common, user],
            help='run one command, e.g. connects-bot exec "/quote price:500 size:small"',
        )
        ex.add_argument("line", nargs="+", help="the command in the text syntax")
        ex.add_argument(
            "--files",
            metavar="DIR",
            default=".",
            help="where attached files (charts, CSV) are saved (default: .)",
        )
    if wanted("db"):
        db = sub.add_parser("db", help="database maintenance")
        dbsub = db.add_subparsers(dest="dbcmd", required=True, metavar="ACTION")
        dbsub.add_parser("upgrade", parents=[common], help="apply pending migrations")
        copy = dbsub.add_parser(
            "copy", parents=[common], help="copy a whole ledger between databases and verify it"
        )
        copy.add_argument("src", metavar="SRC_URL")
        copy.add_argument("dst", metavar="DST_URL")
        copy.add_argument(
            "--force", action="store_true", help="replace the contents of a non-empty destination"
        )
    if wanted("model"):
        model = sub.add_parser("model", help="the learned Connects-cost model")
        msub = model.add_subparsers(dest="modelcmd", required=True, metavar="ACTION")
        mfit = msub.add_parser("fit", parents=[common], help="fit cost models now")
        which = mfit.add_mutually_exclusive_group()
        which.add_argument(
            "--scope", metavar="SCOPE", help="one scope (e.g. console, or * for all)"
        )
        which.add_argument("--all", action="store_true", help="every model scope (the default)")
        mshow = msub.add_parser("show", parents=[common], help="the stored models and their error")
        mshow.add_argument(
            "--scope", metavar="SCOPE", help="one scope (default: every stored model)"
        )
    if wanted("export"):
        sub.add_parser(
            "export",
            parents=[common],
            help="the whole ledger and bids as CSV (UTF-8 with a BOM) on stdout, deterministic",
        )
    if wanted("discord-invite"):
        sub.add_parser(
            "discord-invite",
            parents=[common],
            help="print the URLs that add the bot to a Discord server or to a user's account",
        )
    if wanted("slack-manifest"):
        man = sub.add_parser(
            "slack-manifest",
            parents=[common],
            help="print a Slack app manifest generated from the catalog",
        )
        man.add_argument(
            "--request-url",
            metavar="URL",
            help="public https URL Slack sends commands, clicks and events to; given, the "
            'manifest is for HTTP mode even when [slack] mode is not "http"; without '
            "it the manifest follows [slack] mode (HTTP with a placeholder URL to edit)",
        )
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = load(args.config)
    from bot import logs

    logs.setup(
        _log_level(args, config), config.secrets, [config.storage.url], fmt=config.log.format
    )
    return config


# Arguments that are file paths: any bytes make a valid name on POSIX, so they pass as given.
_PATHS = ("config", "files")
_SHOWN = {"line": "the command", "src": "SRC_URL", "dst": "DST_URL"}


def _bad_argument(args: argparse.Namespace) -> str | None:
    """A one-line refusal of an argument that is not valid UTF-8 (Python keeps such bytes as
    lone surrogates), or of a ``--user`` name holding a control character; ``None`` if all
    are fine."""
    from core.base.text import forbidden

    for dest, value in vars(args).items():
        if dest in _PATHS:
            continue
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            found = forbidden(text)
            if found is None or (dest != "user" and "UTF-8" not in found):
                continue  # control characters in a command are the command's to refuse
            name = _SHOWN.get(dest, "--" + dest.replace("_", "-"))
            return f"{name} contains {found}; nothing was run"
    return None


def _log_level(args: argparse.Namespace, config: Config) -> str:
    """``--log-level`` if given. Otherwise one-shot commands print their reply on stdout and
    keep stderr for warnings; so does ``run`` when the console is the only platform (its
    replies are the output; a log line per command would repeat them), unless the config
    file sets ``[log] level``; other runs log at ``[log] level`` (INFO by default)."""
    if args.log_level:
        return str(args.log_level)
    if args.cmd in ("exec", "export", "db", "model"):
        return "WARNING"
    if args.cmd == "run" and _console_only(config, args) and not _sets_log_level(args.config):
        return "WARNING"
    return config.log.level


def _console_only(config: Config, args: argparse.Namespace) -> bool:
    from bot import platforms

    options = platforms.RunOptions(user=args.user, console=args.console)
    return not any(r.enabled(config, options) for r in platforms.REGISTRY)


def _sets_log_level(path: str | None) -> bool:
    """Whether the config file at ``path`` gives ``[log] level`` itself."""
    if path is None:
        return False
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):  # already read and checked by load()
        return False
    section = data.get("log")
    return isinstance(section, dict) and "level" in section


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"connects-bot: {message}", file=sys.stderr)
    return code


def _files_dir(name: str) -> Path | str:
    """The ``--files`` folder, created with its parents; a one-line refusal if it cannot be."""
    files = Path(name)
    if files.exists() and not files.is_dir():
        return f"--files {name}: not a folder"
    try:
        files.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"--files {name}: cannot create the folder ({exc.strerror or exc})"
    return files


def _direct(config: Config) -> bool:
    """Whether ``exec`` runs on the direct SQLite store, without an event loop (see
    :mod:`bot.inline`): on SQLite; PostgreSQL's driver needs the loop."""
    return config.storage.url.startswith("sqlite:")


async def _exec(config: Config, args: argparse.Namespace) -> int:
    from adapters.console.once import run_once
    from bot.bootstrap import create_app, one_shot

    # before the command runs, so a reply is never lost to a file that cannot be saved
    files = _files_dir(args.files)
    if isinstance(files, str):
        return _fail(files)
    app = await create_app(one_shot(config), direct=_direct(config))
    try:
        shown = await run_once(app, args.user, " ".join(args.line), files)
    finally:
        await app.close()
    print(shown.text)
    if shown.reply.error or not shown.saved:
        return EXIT_REFUSED
    return EXIT_CONFIRM if shown.reply.needs_confirmation else EXIT_OK


async def _run(config: Config, args: argparse.Namespace) -> int:
    import asyncio

    from bot import notices, platforms
    from bot.bootstrap import create_app
    from core.commands import load_all
    from core.store import redact

    load_all()  # every command's handler, checked against the catalog before serving
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    app = await create_app(config)
    log.info("storage %s ready", redact(config.storage.url))
    ops_config = config.section(OpsConfig)
    if ops_config.sentry_dsn:
        from bot import reporting

        reporting.setup(ops_config.sentry_dsn, ops_config.sentry_environment)
    server = None
    try:
        options = platforms.RunOptions(user=args.user, sync=not args.no_sync, console=args.console)
        chosen = platforms.enabled(app, config, options)
        background: list[Callable[[asyncio.Event], Coroutine[None, None, None]]] = []
        if config.notices.enabled:
            background.append(lambda stop: notices.run(app, config, stop))
        metrics = None
        if ops_config.port:
            from bot.ops import Ops

            server = Ops(app, ops_config, chosen)
            await server.start()
            metrics = server.metrics
        if ops_config.invariant_minutes:
            from bot.ops import invariant_loop

            minutes = ops_config.invariant_minutes
            background.append(lambda stop: invariant_loop(app, minutes, metrics, stop))
        return await platforms.serve(app, chosen, stop, background)
    finally:
        if server is not None:
            await server.stop()
        await app.close()
        log.info("stopped; database closed")


async def _db_upgrade(config: Config) -> int:
    from bot.bootstrap import one_shot, open_configured_store
    from core.store import redact

    store = await open_configured_store(one_shot(config), migrate=False)
    try:
        version = await store.migrate()
        applied = store.migrated
    finally:
        await store.close()
    url = redact(config.storage.url)
    if not applied:
        print(f"{url}: schema at version {version}; nothing to apply")
    else:
        names = ", ".join(applied)
        print(f"{url}: schema at version {version}; applied {names}")
    return EXIT_OK


async def _model(config: Config, args: argparse.Namespace) -> int:
    import time

    from bot import modelcmd

    if args.modelcmd == "fit":
        return await modelcmd.model_fit(config, args.scope, int(time.time()))
    return await modelcmd.model_show(config, args.scope, int(time.time()))


async def _db_copy(args: argparse.Namespace) -> int:
    from core.store.copy import copy_ledger

    def progress(table: str, done: int, total: int) -> None:
        print(f"\r{table}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)

    summary = await copy_ledger(args.src, args.dst, force=args.force, progress=progress)
    for line in summary.lines():
        print(line)
    return EXIT_OK


async def _export(config: Config) -> int:
    """The whole ledger as CSV on stdout. It is read in one snapshot, page by page, into a
    spool (memory up to 8 MB, then a temporary file), and copied out once the read is over:
    memory stays flat however long the ledger, a slow reader of stdout (a pager) never keeps
    the database's transaction open, and a failed read prints nothing."""
    import shutil
    import tempfile

    from bot.bootstrap import one_shot, open_configured_store
    from core.reads.export import write_export
    from core.store.base import Tx

    store = await open_configured_store(one_shot(config))
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:

        async def read(tx: Tx) -> int:
            return await write_export(tx, None, spool.write)

        try:
            await store.read(read)
        finally:
            await store.close()
        spool.seek(0)
        shutil.copyfileobj(spool, sys.stdout.buffer)
    sys.stdout.flush()
    return EXIT_OK


async def _discord_invite(config: Config) -> int:
    from adapters.discord import runner as discord_runner
    from adapters.discord.config import DiscordConfig

    try:
        app_id = await discord_runner.fetch_application_id(config.section(DiscordConfig))
    except discord_runner.DiscordStartError as exc:
        return _fail(f"{exc}; or set [discord] application_id", EXIT_REFUSED)
    for link in discord_runner.install_links(app_id):
        print("\n".join(link.lines()))
    return EXIT_OK


def _slack_manifest(config: Config, args: argparse.Namespace) -> int:
    import json

    from adapters.slack import runner as slack_runner
    from adapters.slack.config import SlackConfig

    slack = config.section(SlackConfig)
    if args.request_url and slack.mode != "http":
        print(
            f"connects-bot: printing an HTTP-mode manifest for --request-url; [slack] mode "
            f'is {slack.mode!r}: set mode = "http" and signing_secret to serve it',
            file=sys.stderr,
        )
    print(json.dumps(slack_runner.manifest(slack, args.request_url), indent=2))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``connects-bot``; the process exit code."""
    if argv is None:
        argv = sys.argv[1:]
    args = build_parser(argv[0] if argv and argv[0] in COMMANDS else None).parse_args(argv)
    if args.cmd in ("run", "exec") and args.user is None:
        args.user = _default_user()
    bad = _bad_argument(args)
    if bad is not None:
        return _fail(bad)
    if getattr(args, "user", None) is not None:
        args.user = args.user.strip()
        if not args.user:
            return _fail("--user needs a name, e.g. --user sam")
    try:
        if args.cmd == "db" and args.dbcmd == "copy":
            from bot import logs

            logs.setup(args.log_level or "WARNING", urls=[args.src, args.dst])
            return _guard(lambda: _db_copy(args), [args.src, args.dst])
        config = _config(args)
    except ConfigError as exc:
        return _fail(str(exc))
    commands: dict[str, Callable[[], Coroutine[Any, Any, int]]] = {
        "exec": lambda: _exec(config, args),
        "run": lambda: _run(config, args),
        "db": lambda: _db_upgrade(config),
        "model": lambda: _model(config, args),
        "export": lambda: _export(config),
        "discord-invite": lambda: _discord_invite(config),
    }
    if args.cmd in commands:
        loop = args.cmd != "exec" or not _direct(config)
        return _guard(commands[args.cmd], [config.storage.url], loop=loop)
    return _slack_manifest(config, args)


def _guard(
    make: Callable[[], Coroutine[Any, Any, int]], urls: list[str], *, loop: bool = True
) -> int:
    """Run a subcommand; known failures become one line on stderr, never a traceback, with
    the credentials of the database ``urls`` masked. Without ``loop`` the subcommand runs
    without an event loop unless it turns out to need one (:func:`bot.inline.run`)."""
    from core.interface.errors import ConnectsError
    from core.store.base import masker

    masks = [masker(u) for u in urls]

    def fail(message: str) -> int:
        for mask in masks:
            message = mask(message)
        return _fail(message, EXIT_REFUSED)

    async def runner() -> int:
        return await make()

    try:
        if not loop:
            from bot import inline

            return inline.run(runner)
        import asyncio

        return asyncio.run(runner())
    except KeyboardInterrupt:
        return 130
    except (ConnectsError, ValueError, OSError) as exc:
        return fail(str(exc))
    except Exception as exc:  # a database that refuses to open, a broken file
        log.debug("failed", exc_info=True)
        return fail(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
