"""Command handlers: checked options in, a platform-neutral reply out.

:mod:`core.commands.registry` says how a command runs; the handlers of the catalog register
themselves by area: :mod:`~core.commands.quotes` (quote, paste),
:mod:`~core.commands.learned` (model),
:mod:`~core.commands.money` (bid, undo, refund, outcome),
:mod:`~core.commands.outcomes` (outcomes, and an outcome ask's buttons),
:mod:`~core.commands.kept` (confirm, and the kept buttons: Bid, Confirm, Set-to),
:mod:`~core.commands.purchases` (buy, void), :mod:`~core.commands.pools` (the /pool group),
:mod:`~core.commands.balance` (balance), :mod:`~core.commands.stats` (stats) and
:mod:`~core.commands.account` (history, export, notices, help).

An area is imported when one of its commands is first looked up in :data:`HANDLERS`
(:data:`AREAS` says which area registers each command), so a one-shot
command loads only its own area's modules; :func:`load_all` imports every area and checks that
every catalog command has exactly one handler of the right kind, in the area :data:`AREAS`
names (a long-running bot does this at start).
"""

from __future__ import annotations

import importlib

from core.commands.registry import AREAS, HANDLERS, Context, defined_in, validate
from core.interface.catalog import COMMANDS


def load_all() -> None:
    """Import every area and check handlers, catalog and :data:`AREAS` agree; raises
    ``RuntimeError`` when they do not."""
    for area in sorted(set(AREAS.values())):
        importlib.import_module(f"{__name__}.{area}")
    validate(COMMANDS)
    if set(AREAS) != set(HANDLERS):
        raise RuntimeError(f"AREAS names no command {sorted(set(AREAS) - set(HANDLERS))}")
    for name, found in HANDLERS.items():
        module, where = f"{__name__}.{AREAS.get(name)}", defined_in(found)
        if where != module:
            raise RuntimeError(f"/{name}: its handler is in {where}, AREAS says {module}")


__all__ = ["AREAS", "HANDLERS", "Context", "load_all"]
