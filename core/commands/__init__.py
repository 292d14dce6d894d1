"""Command handlers: checked options in, a platform-neutral reply out.

:mod:`core.commands.registry` says how a command runs; the handlers of the catalog register
themselves by area: :mod:`~core.commands.quotes` (quote, paste),
:mod:`~core.commands.learned` (model),
:mod:`~core.commands.money` (bid, undo, refund, outcome),
:mod:`~core.commands.kept` (confirm, and the kept buttons: Bid, Confirm, Set-to),
:mod:`~core.commands.purchases` (buy, void), :mod:`~core.commands.pools` (the /pool group) and
:mod:`~core.commands.account` (balance, history, stats, export, notices, help). Importing this
package checks that every catalog command has exactly one handler of the right kind.
"""

from __future__ import annotations

from core.catalog import COMMANDS
from core.commands import account, kept, learned, money, pools, quotes
from core.commands.account import help_reply
from core.commands.registry import HANDLERS, Context, validate

validate(COMMANDS)

__all__ = [
    "HANDLERS",
    "Context",
    "account",
    "help_reply",
    "kept",
    "learned",
    "money",
    "pools",
    "purchases",
    "quotes",
]
