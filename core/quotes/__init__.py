"""Pricing a job: Connects price tiers and factors (``pricing``), reading a pasted job post
(``jobpost``), quoting a read post (``jobquote``), estimates and win rates learned from the
recorded bids (``estimates``, ``winrates``, ``bidrecords``) and the fitted models (``learning``).

May import ``core.base``, ``core.interface`` and ``core.store``; never the ledger, the reads or
the command handlers.
"""
