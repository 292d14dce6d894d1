"""The core's services wired together: one store, one config, one clock, and the domain
objects every command reaches through its :class:`~core.commands.registry.Context`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import TYPE_CHECKING

from core.base.config import Config
from core.ledger.pools import Pools
from core.ledger.wallets import Wallets
from core.reads.balances import Balances
from core.store.base import Store, Tx

if TYPE_CHECKING:
    from core.ledger.bids import Bids
    from core.ledger.idempotency import R
    from core.quotes.screens.pool import Screens

Clock = Callable[[], int]


class Services:
    """Wallets, pools, bids and balance views over one store."""

    def __init__(self, store: Store, config: Config, clock: Clock | None = None) -> None:
        self.store = store
        self.config = config
        self.clock: Clock = clock or (lambda: int(time.time()))
        self.pools = Pools()
        self.wallets = Wallets(config, self.pools)
        self.balances = Balances(config, store, self.wallets, self.pools)

    @cached_property
    def screens(self) -> Screens:
        """The reader of screenshots; its module, and its worker processes, start with the
        first image."""
        from core.quotes.screens.pool import Screens

        return Screens()

    def close(self) -> None:
        """Stops the screenshot workers, if any started."""
        screens = self.__dict__.get("screens")
        if screens is not None:
            screens.close()

    @cached_property
    def bids(self) -> Bids:
        """Bids and their outcomes; their module is imported by the first command that uses
        them."""
        from core.ledger.bids import Bids

        return Bids(self.config, self.wallets, self.pools)

    async def change(
        self,
        request_id: str,
        fp: str,
        actor: str,
        op: Callable[[Tx, int], Awaitable[R]],
        kind: type[R],
    ) -> tuple[R, bool]:
        """Run ``op`` once per request id (see :func:`core.ledger.idempotency.change`)."""
        from core.ledger.idempotency import change  # a read never needs it

        return await change(self.store, self.clock, request_id, fp, actor, op, kind)
