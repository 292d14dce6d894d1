"""The product: Connects pricing, the ledger, its reads and the command handlers, with no
platform in it. Areas, each importing only those listed before it:

- ``core.base``: shared values (settings, dates, keys, numbers, text, the ledger's vocabulary);
- ``core.interface``: the command catalog, option reading, reply tokens and errors;
- ``core.store``: the database (SQLite and PostgreSQL backends, migrations);
- ``core.quotes``: pricing, reading job posts, estimates, learning from bids;
- ``core.ledger``: postings, wallets, pools, bids, kept buttons, idempotent changes;
- ``core.reads``: balances, history, the CSV export, the balance chart;
- ``core.services``, ``core.commands``, ``core.notices``, ``core.app``: the services bundle,
  the command handlers, the notices and the request pipeline that ties them together.
"""
