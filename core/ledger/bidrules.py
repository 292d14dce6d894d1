"""The rules a bid's changes follow, as pure functions: no database, no clock (``now`` is an
argument), each stated once. :mod:`core.ledger.bids` reads the bid, asks these, then writes.

- **Status machine** (:func:`may_become`): ``refunded`` and ``undone`` are final; from any other
  status a bid may take news (``/outcome``), be refunded or undone; only a bid awaiting an
  answer (``submitted``, ``viewed``) becomes ``ghosted``.
- **Refund** (:func:`refund_amount`): once per bid, by ``[policy]``: a ``refundable`` reason
  returns everything, a ``boost_only`` one the boost (refused without one), others nothing.
- **Undo** (:func:`check_undo`): the author takes a bid back whole within ``[wallet]
  undo_minutes`` (:meth:`~core.base.config.WalletConfig.undoable`, the window ``/void`` uses too).
- **Allowance** (:func:`allowance_left`): a pool member's monthly allowance bounds what their
  bids spend in a calendar month, net of refunds.
"""

from __future__ import annotations

from core.base.config import PolicyConfig, WalletConfig
from core.base.vocabulary import AWAITING, FINAL, BidStatus
from core.interface.errors import AllowanceExceeded, AlreadyDone, NotRefundable
from core.interface.reply import Rich, cmd


def may_become(was: BidStatus, new: BidStatus) -> bool:
    """Whether a bid in status ``was`` may change to ``new``."""
    if was in FINAL:
        return False
    if new is BidStatus.GHOSTED:
        return was in AWAITING
    return True


def check_outcome(bid_id: int, was: BidStatus, new: BidStatus) -> None:
    """Raise :class:`AlreadyDone` when news may not change the bid's status ``was``."""
    if was in FINAL:
        raise AlreadyDone(f"Bid #{bid_id} was {was}; its status is final.")
    if not may_become(was, new):
        raise AlreadyDone(f"Bid #{bid_id} is {was}; it cannot become {new}.")


def refund_amount(
    policy: PolicyConfig,
    reason: str,
    bid_id: int,
    status: BidStatus,
    connects: int,
    boost: int,
    refunded: int,
) -> int:
    """The Connects refunding the bid for ``reason`` returns. Raises :class:`AlreadyDone` when
    it was refunded or undone already (``refunded``: Connects already returned), and
    :class:`NotRefundable` when ``reason`` returns nothing under ``policy``."""
    if not may_become(status, BidStatus.REFUNDED) or refunded > 0:
        raise AlreadyDone(f"Bid #{bid_id} was already {status}; a bid refunds once.")
    if reason in policy.refundable:
        return connects + boost
    if reason in policy.boost_only:
        if boost == 0:
            raise NotRefundable(
                f"'{reason}' returns the boost only, and bid #{bid_id} had "
                "no boost: nothing to refund."
            )
        return boost
    refundable = ", ".join((*policy.refundable, *policy.boost_only))
    outcome = OUTCOME_OF.get(reason)
    if outcome:  # what is wrong, then what to do: a headline and a short line
        raise NotRefundable(
            Rich(
                f"'{reason}' does not refund Connects\nIt is news: ",
                cmd("outcome", f"bid:#{bid_id} status:{outcome}"),
            )
        )
    raise NotRefundable(f"'{reason}' does not refund Connects\nRefundable: {refundable}.")


#: The reasons Upwork returns nothing for that are news of the bid: the /outcome they are.
OUTCOME_OF = {"rejected": "lost", "hired_other": "lost", "expired": "lost"}


def check_undo(
    wallet: WalletConfig, bid_id: int, status: BidStatus, created_at: int, now: int
) -> None:
    """Raise :class:`AlreadyDone` unless a bid placed at ``created_at`` may be undone at
    ``now``: not final yet, and within the undo window."""
    if not may_become(status, BidStatus.UNDONE):
        raise AlreadyDone(f"Bid #{bid_id} was already {status}.")
    if not wallet.undoable(created_at, now):
        raise AlreadyDone(
            Rich(
                f"Bid #{bid_id} is older than {wallet.undo_minutes} minutes; use ",
                cmd("refund"),
                ".",
            )
        )


def allowance_left(allowance: int | None, spent: int, total: int, pool: str) -> int | None:
    """What a member's monthly ``allowance`` (``None``: no limit) leaves after a bid of
    ``total`` Connects, having ``spent`` this month; ``None`` without a limit. Raises
    :class:`AllowanceExceeded` when the bid needs more than is left."""
    if allowance is None:
        return None
    left = allowance - spent
    if total > left:
        raise AllowanceExceeded(total, max(left, 0), pool)
    return left - total
