"""The Home tab: each user's dashboard, published on ``app_home_opened`` and after their changes.

It is made of replies rendered as in a message: ``/balance`` (wallet, pools and allowances
left, Connects expiring soon) and the last bids awaiting news, each with the buttons of the
private ask about it when one was sent (pressed here, they act once, as in the message),
under a "Paste a job post" button that opens the ``/paste`` form. Block ids are made unique
per part (a view refuses repeats) and the whole is cut to Slack's 100 blocks with a line
saying so.
"""

from __future__ import annotations

from typing import Any

from adapters.slack import blocks
from core.app import App
from core.base.keys import Actor

PASTE_ACTION = "home:paste"
MAX_BLOCKS = 100


def _header() -> list[dict[str, Any]]:
    return [
        {
            "type": "section",
            "block_id": "home-intro",
            "text": {
                "type": "mrkdwn",
                "text": "*Connects bot*: your Connects, your pools and your latest bids.",
            },
        },
        {
            "type": "actions",
            "block_id": "home-actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": PASTE_ACTION,
                    "text": {"type": "plain_text", "text": "Paste a job post"},
                    "style": "primary",
                    "value": "paste",
                }
            ],
        },
    ]


async def view(core: App, actor: Actor, request_id: str) -> dict[str, Any]:
    """The user's Home tab view (``type: home``)."""
    out = _header()
    parts = (
        ("balance", await core.run_text(actor, "balance", f"{request_id}:balance")),
        ("bids", await core.latest_bids(actor, f"{request_id}:bids")),
    )
    for prefix, reply in parts:
        rendered = blocks.render(reply)
        part: list[dict[str, Any]] = rendered.get("blocks") or [
            {"type": "section", "text": {"type": "mrkdwn", "text": rendered.get("text") or " "}}
        ]
        out.append({"type": "divider", "block_id": f"{prefix}-divider"})
        for i, block in enumerate(part):
            out.append({**block, "block_id": f"{prefix}-{block.get('block_id') or i}"})
    if len(out) > MAX_BLOCKS:
        out = out[: MAX_BLOCKS - 1]
        out.append(
            {
                "type": "context",
                "block_id": "home-shortened",
                "elements": [{"type": "mrkdwn", "text": "_(shortened: see /outcomes)_"}],
            }
        )
    return {"type": "home", "blocks": out}
