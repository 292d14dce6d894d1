"""Money that moves: the append-only posting kernel (``postings``), wallets, grants and purchases
(``wallets``), community pools (``pools``), bids and their refunds (``bids``), kept buttons
(``kept``: what a button stands for, done once), the buttons asking about a bid without news
(``outcome_asks``) and the idempotent change pipeline that runs each request once
(``idempotency``).

May import ``core.base``, ``core.interface``, ``core.store`` and ``core.quotes`` (Connects
prices and bid records); never the reads or the command handlers.
"""
