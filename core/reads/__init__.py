"""Reading the ledger back: balances and due dates (``balances``, ``insight``), the CSV export
(``export``) and the balance chart (``chart``). Reads change nothing.

May import ``core.base``, ``core.interface``, ``core.store``, ``core.quotes`` and
``core.ledger``; never the command handlers.
"""
