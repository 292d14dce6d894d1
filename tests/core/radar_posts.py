"""Job posts and titles as the repost radar meets them, shared by its tests
(``test_radar_rules``, ``test_repost_radar``) and ``bench/radar.py``: a client's post with its
facts, and the words titles are drawn from."""

from __future__ import annotations

WORDS = [
    "senior",
    "python",
    "developer",
    "scraping",
    "tool",
    "shopify",
    "store",
    "migration",
    "wordpress",
    "website",
    "landing",
    "page",
    "design",
    "logo",
    "bakery",
    "restaurant",
    "mobile",
    "react",
    "native",
    "flutter",
    "backend",
    "api",
    "integration",
    "stripe",
    "payments",
    "dashboard",
    "analytics",
    "excel",
    "automation",
    "chrome",
    "extension",
    "marketing",
    "campaign",
    "copywriter",
    "newsletter",
    "podcast",
    "editing",
    "video",
    "youtube",
    "thumbnails",
]


def post(
    title: str,
    job: str,
    *,
    country: str = "United States",
    since: str = "Mar 14, 2019",
    spent: str = "$20K",
    hires: int = 8,
) -> str:
    """A job post of the client (``country``, member ``since``, ``spent``, ``hires``)."""
    return f"""{title}
Posted 2 hours ago
Hourly: $25-$40
Expert
Required Connects to submit a proposal: 12
Payment method verified
4.9 of 17 reviews
{spent} total spent
{hires} hires, 2 active
{country}
Member since {since}
https://www.upwork.com/jobs/~01{job}
"""
