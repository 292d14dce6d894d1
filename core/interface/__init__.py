"""The command surface every platform shares: the catalog of commands and their options
(``catalog``, ``commandspec``, ``commonoptions``), reading typed and pasted values (``options``,
``textparse``, with the words it reads from ``textreader``), the platform-neutral reply tokens
(``reply``) and the errors that carry what to fix (``errors``).

May import ``core.base`` only; never the store, the ledger or a platform.
"""
