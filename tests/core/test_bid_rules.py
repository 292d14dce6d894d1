"""The rules a bid's changes follow, without a database: the status machine, the refund policy,
the undo window and a pool member's allowance (core/ledger/bidrules.py). The database suites
(test_ledger, test_invariants) prove the ledger applies them; these take milliseconds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.base.config import PolicyConfig, WalletConfig
from core.base.vocabulary import AWAITING, FINAL, NEWS, BidStatus
from core.interface.errors import AllowanceExceeded, AlreadyDone, NotRefundable
from core.ledger.bidrules import (
    allowance_left,
    check_outcome,
    check_undo,
    may_become,
    refund_amount,
)

STATUSES = st.sampled_from(list(BidStatus))
POLICY = PolicyConfig(refundable=("completed", "tos_removed"), boost_only=("outbid",))
WALLET = WalletConfig(undo_minutes=5)
CONNECTS = st.integers(min_value=0, max_value=10**6)


# ------------------------------------------------------------------ status machine


@pytest.mark.parametrize(
    ("was", "new", "allowed"),
    [
        (BidStatus.SUBMITTED, BidStatus.VIEWED, True),
        (BidStatus.HIRED, BidStatus.LOST, True),  # news may be corrected
        (BidStatus.GHOSTED, BidStatus.INTERVIEWING, True),  # a ghosted bid may get news
        (BidStatus.LOST, BidStatus.REFUNDED, True),
        (BidStatus.HIRED, BidStatus.UNDONE, True),
        (BidStatus.SUBMITTED, BidStatus.GHOSTED, True),
        (BidStatus.VIEWED, BidStatus.GHOSTED, True),
        (BidStatus.INTERVIEWING, BidStatus.GHOSTED, False),  # it had an answer
        (BidStatus.HIRED, BidStatus.GHOSTED, False),
        (BidStatus.REFUNDED, BidStatus.HIRED, False),
        (BidStatus.UNDONE, BidStatus.SUBMITTED, False),
        (BidStatus.REFUNDED, BidStatus.UNDONE, False),
    ],
)
def test_status_machine(was: BidStatus, new: BidStatus, allowed: bool) -> None:
    """Final statuses never change; only a bid awaiting an answer becomes ghosted."""
    assert may_become(was, new) is allowed


@given(st.lists(STATUSES, max_size=30))
def test_final_is_forever(attempts: list[BidStatus]) -> None:
    """Whatever changes are tried in turn, a bid that reached a final status keeps it, and it
    became ghosted only while awaiting an answer."""
    status, final = BidStatus.SUBMITTED, None
    for new in attempts:
        if may_become(status, new):
            assert new is not BidStatus.GHOSTED or status in AWAITING
            status = new
        if final is not None:
            assert status is final
        elif status in FINAL:
            final = status


def test_news_applies_to_any_open_bid() -> None:
    """Every news /outcome offers moves every bid that is not final."""
    for was in BidStatus:
        for new in NEWS:
            assert may_become(was, new) is (was not in FINAL)


def test_outcome_refusals_say_why() -> None:
    """News on a refunded bid is refused as final; news that may not apply says so."""
    check_outcome(1, BidStatus.HIRED, BidStatus.LOST)
    with pytest.raises(AlreadyDone, match="#7 was refunded; its status is final"):
        check_outcome(7, BidStatus.REFUNDED, BidStatus.HIRED)
    with pytest.raises(AlreadyDone, match="cannot become ghosted"):
        check_outcome(7, BidStatus.HIRED, BidStatus.GHOSTED)


# ------------------------------------------------------------------ refunds


@pytest.mark.parametrize(
    ("reason", "connects", "boost", "back"),
    [
        ("completed", 6, 4, 10),
        ("tos_removed", 6, 0, 6),
        ("outbid", 6, 4, 4),
    ],
)
def test_refund_by_policy(reason: str, connects: int, boost: int, back: int) -> None:
    """A refundable reason returns everything; a boost-only one the boost."""
    assert refund_amount(POLICY, reason, 1, BidStatus.SUBMITTED, connects, boost, 0) == back


def test_refund_refusals() -> None:
    """No boost to return, a reason that refunds nothing (the refundable ones are listed), and
    a second refund are refused."""
    with pytest.raises(NotRefundable, match="no boost: nothing to refund"):
        refund_amount(POLICY, "outbid", 3, BidStatus.SUBMITTED, 6, 0, 0)
    with pytest.raises(NotRefundable, match="Refundable: completed, tos_removed, outbid"):
        refund_amount(POLICY, "changed my mind", 3, BidStatus.SUBMITTED, 6, 2, 0)
    with pytest.raises(AlreadyDone, match="#3 was already refunded; a bid refunds once"):
        refund_amount(POLICY, "completed", 3, BidStatus.REFUNDED, 6, 2, 8)
    with pytest.raises(AlreadyDone, match="already undone"):
        refund_amount(POLICY, "completed", 3, BidStatus.UNDONE, 6, 2, 8)
    with pytest.raises(AlreadyDone):  # something came back already, whatever the status says
        refund_amount(POLICY, "completed", 3, BidStatus.LOST, 6, 2, 1)


@given(
    st.sampled_from(["completed", "tos_removed", "outbid", "other"]),
    STATUSES,
    CONNECTS,
    CONNECTS,
)
def test_refund_never_returns_more_than_spent(
    reason: str, status: BidStatus, connects: int, boost: int
) -> None:
    """A refund returns a positive amount at most what the bid spent, or refuses."""
    try:
        back = refund_amount(POLICY, reason, 1, status, connects, boost, 0)
    except (NotRefundable, AlreadyDone):
        assert status in FINAL or reason not in POLICY.refundable
        return
    assert status not in FINAL
    assert back == (boost if reason in POLICY.boost_only else connects + boost)
    assert 0 <= back <= connects + boost


# ------------------------------------------------------------------ undo


def test_undo_window_to_the_second() -> None:
    """A bid is undone up to exactly ``undo_minutes`` after it was placed, not a second later;
    the refusal points to /refund."""
    check_undo(WALLET, 5, BidStatus.SUBMITTED, 1000, 1000)
    check_undo(WALLET, 5, BidStatus.HIRED, 1000, 1300)
    with pytest.raises(AlreadyDone, match="older than 5 minutes; use /refund"):
        check_undo(WALLET, 5, BidStatus.SUBMITTED, 1000, 1301)


def test_undo_of_a_final_bid() -> None:
    """An undone or refunded bid is not undone again, even within the window."""
    for status in FINAL:
        with pytest.raises(AlreadyDone, match=f"#5 was already {status}"):
            check_undo(WALLET, 5, status, 1000, 1000)


@given(st.integers(0, 10**9), st.integers(0, 10**4), st.integers(0, 600))
def test_undo_matches_the_window(created: int, later: int, minutes: int) -> None:
    """Undo is allowed exactly while ``now`` is within the wallet's undo window."""
    wallet = WalletConfig(undo_minutes=minutes)
    try:
        check_undo(wallet, 1, BidStatus.SUBMITTED, created, created + later)
    except AlreadyDone:
        assert later > minutes * 60
    else:
        assert later <= minutes * 60


# ------------------------------------------------------------------ allowance


def test_allowance_cases() -> None:
    """No limit leaves no figure; a limit leaves what is left after the bid; one Connect too
    many is refused with what is left; an overspent allowance reports 0 left."""
    assert allowance_left(None, 10**6, 10**6, "agency") is None
    assert allowance_left(30, 10, 20, "agency") == 0
    with pytest.raises(AllowanceExceeded) as over:
        allowance_left(30, 10, 21, "agency")
    assert (over.value.needed, over.value.left) == (21, 20)
    assert "pool agency has 20 Connects left; this needs 21" in str(over.value)
    with pytest.raises(AllowanceExceeded) as none_left:
        allowance_left(30, 45, 1, "agency")  # an allowance lowered after spending
    assert none_left.value.left == 0
    assert allowance_left(0, 0, 0, "agency") == 0  # a 0 allowance allows nothing but 0


@given(st.integers(0, 500), st.lists(st.integers(0, 100), max_size=40))
def test_allowance_is_never_overspent(allowance: int, bids: list[int]) -> None:
    """Bids accepted one after another never spend more than the allowance, and a refused bid
    was one that did not fit."""
    spent = 0
    for total in bids:
        try:
            left = allowance_left(allowance, spent, total, "agency")
        except AllowanceExceeded:
            assert spent + total > allowance
            continue
        spent += total
        assert left == allowance - spent >= 0
    assert spent <= allowance
