"""The repost radar: a job whose client and title match a job bid on in the same community in
the last 30 days is probably the same job posted again, which Upwork's rules forbid; a post
Upwork removes for it refunds the Connects spent on it.

What counts as the same job posted again (pure rules, :func:`matches`):

- **Not the same job**: a bid on the same job (its Upwork id, link or title as
  :func:`core.ledger.bids.job_key` reads them) is a duplicate, which a pool's guard handles; it
  is never called a repost.
- **The same client**: the client's member-since date is known on both posts and equal (Upwork
  shows it on every post; the store finds bids by it), and at least :data:`MIN_COMPARED` of
  country, total spent, rating and hires are known on both and none differs: the country
  equal, the spend in the same band (:func:`spent_band`, as Upwork rounds it: $0, under $1K,
  $1K+, $10K+, $100K+, $1M+), the rating within :data:`RATING_DRIFT` hundredths of a star, and
  the later post's hires as many as the earlier's or up to :data:`HIRES_MORE` more (a client's
  hires never fall). A title alone, or with a client whose facts differ, is not a repost.
- **The same title**: :func:`title_likeness` at least :data:`TITLE_ALIKE`, after case, spacing,
  punctuation and accents are folded, with the words in their order and sorted (a title
  retyped, its words reordered, a small edit). RapidFuzz compares them (a C++ edit distance;
  difflib took 68 ms for 200 titles on the bench machine, RapidFuzz 6 ms with the folding).

Privacy: every member may be an adversary of another. The radar says only that a job like this
was bid on here and on which day (never the time, who bid, what it cost or what came of it),
unless the earlier bid is the asker's own; it looks at the bids of the asker's community and
the asker's own, and in a direct message at the asker's own only
(:func:`core.store.tables.reposts.client_bids`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from core.base.facts import JobFacts
from core.base.keys import Actor
from core.base.vocabulary import FINAL
from core.interface.reply import Button, ButtonStyle, Rich, cmd
from core.store.base import Tx
from core.store.tables.reposts import Seen, client_bids

#: How far back the radar looks.
WINDOW_SECONDS = 30 * 86_400
#: How alike two titles must be (0-1, :func:`title_likeness`).
TITLE_ALIKE = 0.88
#: How many client facts besides the member-since date must be known on both posts.
MIN_COMPARED = 2
#: How far a client's rating may move between two posts, in hundredths of a star.
RATING_DRIFT = 10
#: How many more hires a client may have made by the later post.
HIRES_MORE = 3
#: The most earlier bids of one client the radar reads.
READ_LIMIT = 200
#: The refund reason of a post Upwork removed.
REASON = "tos_removed"
#: What separates words in a title: anything but a letter or a digit (``_`` included).
_OTHER = re.compile(r"[\W_]+")
#: The button that records Upwork's refund of the asker's earlier bid (:meth:`Radar.button`).
ACTION = "tos_refund"


def normal_title(title: str) -> str:
    """``"Senior  Python-Developer (Scraping)!"`` -> ``"senior python developer scraping"``:
    compatibility forms, case and accents folded, every run of other characters one space."""
    text = title.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_OTHER.sub(" ", text).split())


def title_likeness(a: str, b: str) -> float:
    """How alike two titles are, :data:`TITLE_ALIKE` to 1, or 0 when less alike: the better
    of the similarity of their normal forms (:func:`normal_title`) and of their words sorted
    (RapidFuzz's ``ratio``: one minus the share of characters inserted or deleted to turn one
    into the other)."""
    return _likeness(normal_title(a), normal_title(b))


def _likeness(x: str, y: str) -> float:
    """:func:`title_likeness` of two normal forms."""
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    from rapidfuzz import fuzz  # imported by the first comparison, never on /balance's path

    cutoff = TITLE_ALIKE * 100
    plain = fuzz.ratio(x, y, score_cutoff=cutoff)
    return max(plain, fuzz.token_sort_ratio(x, y, processor=None, score_cutoff=cutoff)) / 100


def spent_band(cents: int) -> int:
    """The band of a client's total spend, as Upwork rounds it: 0 for $0, 1 under $1K, then
    one band for each power of ten: $1K+, $10K+, $100K+, $1M+ (and on)."""
    if cents <= 0:
        return 0
    band, floor = 1, 100_000
    while cents >= floor:
        band, floor = band + 1, floor * 10
    return band


def same_client(later: JobFacts, earlier: Seen) -> tuple[str, ...]:
    """The client facts two posts agree on (names of :class:`JobFacts` fields, the
    member-since date first), or ``()`` when they are not known to be one client: the
    member-since date unknown or different, fewer than :data:`MIN_COMPARED` other facts known
    on both, or one of them differing."""
    if later.member_since is None or later.member_since != earlier.member_since:
        return ()
    agreed = ["member_since"]
    pairs: list[tuple[str, bool | None]] = []
    if later.country is not None and earlier.country is not None:
        pairs.append(("country", later.country == earlier.country))
    if later.client_spent_cents is not None and earlier.client_spent_cents is not None:
        same = spent_band(later.client_spent_cents) == spent_band(earlier.client_spent_cents)
        pairs.append(("client_spent_cents", same))
    if later.rating_hundredths is not None and earlier.rating_hundredths is not None:
        drift = abs(later.rating_hundredths - earlier.rating_hundredths)
        pairs.append(("rating_hundredths", drift <= RATING_DRIFT))
    if later.hires is not None and earlier.hires is not None:
        pairs.append(("hires", 0 <= later.hires - earlier.hires <= HIRES_MORE))
    if len(pairs) < MIN_COMPARED or not all(ok for _, ok in pairs):
        return ()
    agreed.extend(name for name, _ in pairs)
    return tuple(agreed)


@dataclass(frozen=True, slots=True)
class Repost:
    """A job that looks like one bid on earlier: the day of the first such bid (UTC epoch
    seconds), the client facts that matched, and the asker's own earlier bid, if one is, with
    whether its Connects can still come back (not refunded or undone) and whether no other
    member's bid is among them."""

    first_at: int
    agreed: tuple[str, ...]
    own_bid: int | None = None
    own_at: int | None = None
    refundable: bool = False
    only_own: bool = False  # every such bid is the asker's own


def matches(
    title: str,
    job_key: str | None,
    facts: JobFacts,
    seen: Sequence[Seen],
    me: str,
) -> Repost | None:
    """Whether a job titled ``title`` (identity ``job_key``) with the client ``facts`` repeats
    one of the bids ``seen`` (oldest first): the first of them on another job of the same client
    under a title alike, with the asker's (``me``) own newest such bid."""
    found: list[tuple[Seen, tuple[str, ...]]] = []
    normal = normal_title(title)
    alike: dict[str, bool] = {}  # by earlier title: members bid on one job under one title
    for bid in seen:
        if job_key is not None and bid.job_key == job_key:
            continue  # the same job: a duplicate, not a repost
        agreed = same_client(facts, bid)
        if not agreed or bid.title is None:
            continue
        if bid.title not in alike:
            alike[bid.title] = _likeness(normal, normal_title(bid.title)) >= TITLE_ALIKE
        if alike[bid.title]:
            found.append((bid, agreed))
    if not found:
        return None
    first, agreed = found[0]
    own = [bid for bid, _ in found if bid.bidder == me]
    if not own:
        return Repost(first.created_at, agreed)
    mine = own[-1]
    refundable = mine.status not in FINAL and mine.refunded == 0
    only_own = len(own) == len(found)
    return Repost(first.created_at, agreed, mine.id, mine.created_at, refundable, only_own)


async def radar(
    tx: Tx, actor: Actor, title: str | None, job_key: str | None, facts: JobFacts, now: int
) -> Repost | None:
    """The job a quote or bid on ``title`` (client ``facts``) looks like a repost of, among
    the bids of the last :data:`WINDOW_SECONDS` the actor may hear of; ``None`` when none, or
    when the title or the client's member-since date is unknown."""
    if title is None or not normal_title(title) or facts.member_since is None:
        return None
    seen = await client_bids(
        tx, facts.member_since, now - WINDOW_SECONDS, actor.scope, actor.user.key, READ_LIMIT
    )
    return matches(title, job_key, facts, seen, actor.user.key)


# ------------------------------------------------------------------------------- in words


def day(ts: int, now: int) -> str:
    """``2 Dec`` (UTC), with the year when it is not ``now``'s: a day, never a time."""
    moment, today = datetime.fromtimestamp(ts, UTC), datetime.fromtimestamp(now, UTC)
    shown = f"{moment.day} {moment:%b}"
    return shown if moment.year == today.year else f"{shown} {moment.year}"


def _short_dollars(cents: int) -> str:
    """``$20K``, ``$1.2M``, ``$900``: a client's spend as Upwork shows it."""
    dollars = cents // 100
    if dollars >= 1_000_000:
        return f"${dollars // 100_000 / 10:g}M"
    if dollars >= 1_000:
        return f"${dollars // 100 / 10:g}K"
    return f"${dollars}"


def client_words(facts: JobFacts, agreed: Sequence[str]) -> str:
    """The client facts that matched, as the asker's own post states them: ``spent $20K,
    4.9★, US, member since 2019``."""
    words = []
    if "client_spent_cents" in agreed and facts.client_spent_cents is not None:
        words.append(f"spent {_short_dollars(facts.client_spent_cents)}")
    if "rating_hundredths" in agreed and facts.rating_hundredths is not None:
        words.append(f"{facts.rating_hundredths / 100:.2f}".rstrip("0").rstrip(".") + "★")
    if "hires" in agreed and facts.hires is not None:
        words.append(f"{facts.hires} hires" if facts.hires != 1 else "1 hire")
    if "country" in agreed and facts.country is not None:
        words.append(facts.country)
    if facts.member_since is not None:
        words.append(f"member since {facts.member_since[:4]}")
    return ", ".join(words)


@dataclass(frozen=True, slots=True)
class Radar:
    """What a reply says of a repost: when it was first bid on here, the client facts that
    matched in words, the asker's own earlier bid, whether its refund is offered (its Connects
    not back, ``tos_removed`` refundable) and whether its Connects came back already."""

    first_at: int
    client: str
    own_bid: int | None
    own_at: int | None
    refundable: bool
    only_own: bool = False
    returned: bool = False  # the asker's own bid's Connects came back already

    @staticmethod
    def of(repost: Repost, facts: JobFacts, refundable: Sequence[str]) -> Radar:
        """What to say of ``repost`` of a job with the client ``facts``; the refund is offered
        only where the ``refundable`` reasons (``[policy]``) hold ``tos_removed``."""
        return Radar(
            repost.first_at,
            client_words(facts, repost.agreed),
            repost.own_bid,
            repost.own_at,
            repost.refundable and REASON in refundable,
            repost.only_own,
            repost.own_bid is not None and not repost.refundable,
        )

    def lines(self, now: int) -> list[str]:
        """The reply's lines: the repost, and what to do about the asker's own earlier bid."""
        same = (
            f": same client ({self.client}) and title. Reposting breaks Upwork's rules for clients."
        )
        if self.own_bid is None or self.own_at is None:
            return [f"Looks like a repost of a job bid on here on {day(self.first_at, now)}{same}"]
        mine = f"#{self.own_bid} on {day(self.own_at, now)}"
        if self.only_own:
            out = [f"Looks like a repost of a job you bid on as {mine}{same}"]
        else:
            first = day(self.first_at, now)
            out = [f"Looks like a repost of a job bid on here on {first}{same}"]
            out.append(f"You bid on it as {mine}.")
        if self.returned:
            out.append(f"Bid #{self.own_bid}'s Connects already came back.")
        if not self.refundable:
            return out
        out.append(
            Rich(
                "If Upwork removes that post, it refunds the Connects: once it has, ",
                cmd("refund", f"bid:#{self.own_bid} reason:{REASON}"),
                ".",
            )
        )
        return out

    def button(self, user: str, request_id: str) -> Button | None:
        """``Upwork refunded #12``: records the asker's earlier bid as refunded for
        ``tos_removed``, once (:meth:`core.app.App.press`); ``None`` when there is no such bid
        of theirs that can still be refunded. Its value is the bid and a mark of the reply
        that offered it, so each reply's button is one request."""
        if self.own_bid is None or not self.refundable:
            return None
        import hashlib

        mark = hashlib.sha256(request_id.encode()).hexdigest()[:8]
        return Button(
            f"Upwork refunded #{self.own_bid}",
            ACTION,
            f"{self.own_bid}.{mark}",
            ButtonStyle.SECONDARY,
            text_command=cmd("refund", f"bid:#{self.own_bid} reason:{REASON}"),
            only_user=user,
        )
