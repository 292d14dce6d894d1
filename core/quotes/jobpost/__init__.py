"""Reading an Upwork job post as people copy it (the desktop page selected whole, a feed
tile, the mobile share text, an alert e-mail) into typed facts. Pure: no I/O, no platform.

    post = read_post(text)
    post.connects, post.budget_type, post.client_spent_cents, post.missing()
"""

from core.quotes.jobpost.factors import bid_factors
from core.quotes.jobpost.model import FIELDS, MAX_CHARS, JobPost
from core.quotes.jobpost.reader import read_post

__all__ = ["FIELDS", "MAX_CHARS", "JobPost", "bid_factors", "read_post"]
