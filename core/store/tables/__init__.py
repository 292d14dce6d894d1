"""The store's typed seam: one module per table or aggregate owns its SQL and returns frozen
dataclasses, so domain code never sees a database row or writes SQL.

May import ``core.base``, ``core.interface`` and ``core.store.base``; nothing above the store."""
