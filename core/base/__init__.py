"""The values every area shares: settings, calendar arithmetic, user keys and scopes, numbers as
people type them, figures shown to their precision, text rules, and the ledger's vocabulary (bid
statuses, entry kinds, lot sources).

Owns no table and no reply. May import nothing from ``core`` outside this package.
"""
