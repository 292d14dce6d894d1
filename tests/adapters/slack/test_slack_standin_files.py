"""The stand-in keeps files as Slack does: their bytes behind the bot token, ``files.info`` per
workspace, a modal's ``file_input`` within Slack's limits, and uploads Slack's client allows."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack_standin import SlackStandIn, view_submission_payload
from tests.slack_standin.files import FILE_INPUT_MAX_BYTES, FileInputError


def upload_modal(**element: Any) -> dict[str, Any]:
    """A modal with one optional file_input (``element`` changes its fields)."""
    return {
        "type": "modal",
        "callback_id": "form",
        "title": {"type": "plain_text", "text": "A form"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "image",
                "optional": True,
                "label": {"type": "plain_text", "text": "Screenshots"},
                "element": {
                    "type": "file_input",
                    "action_id": "image",
                    "filetypes": ["png", "jpg"],
                    "max_files": 2,
                    **element,
                },
            }
        ],
    }


async def test_url_private_needs_a_token_of_the_files_workspace(slack: SlackStandIn) -> None:
    """The bytes for a Bearer token of the file's workspace; no token, a wrong one, or one of
    another workspace get Slack's redirect to its sign-in page, never the file."""
    shot = slack.host_file("USAM", "a.png", b"\x89PNG-bytes")
    url = shot["url_private_download"]
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Bearer xoxb-wrong"}):
            async with http.get(url, headers=headers, allow_redirects=False) as resp:
                assert resp.status == 302 and "/?redir=" in resp.headers["Location"]
        auth = {"Authorization": f"Bearer {slack.bot_token}"}
        async with http.get(url, headers=auth) as resp:
            assert resp.status == 200 and resp.content_type == "image/png"
            assert await resp.read() == b"\x89PNG-bytes"
        other = slack.host_file("USAM", "b.png", b"x", team_id="T0OTHER")
        async with http.get(other["url_private"], headers=auth, allow_redirects=False) as resp:
            assert resp.status == 302
    assert [f.authorized for f in slack.file_fetches] == [False, False, True, False]


async def test_files_info_finds_a_file_of_the_tokens_workspace_only(slack: SlackStandIn) -> None:
    """files.info answers the file object in its own workspace, file_not_found elsewhere."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    mine = slack.host_file("USAM", "a.png", b"x")
    found = await client.files_info(file=mine["id"])
    assert found["file"]["url_private"] == mine["url_private"]
    assert found["file"]["user"] == "USAM" and found["file"]["mimetype"] == "image/png"
    other = slack.host_file("USAM", "b.png", b"x", team_id="T0OTHER")
    for file_id in (other["id"], "FNOTHING"):
        with pytest.raises(Exception, match="file_not_found"):
            await client.files_info(file=file_id)


@pytest.mark.parametrize(
    ("element", "why"),
    [
        ({"max_files": 11}, "max_files"),
        ({"max_files": 0}, "max_files"),
        ({"max_files": "4"}, "max_files"),
        ({"filetypes": [".png"]}, "filetypes"),
        ({"filetypes": []}, "filetypes"),
    ],
)
async def test_views_open_refuses_a_file_input_slack_refuses(
    slack: SlackStandIn, element: dict[str, Any], why: str
) -> None:
    """A file_input over Slack's limits (1-10 files, extensions without dots) is refused."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    with pytest.raises(Exception, match="invalid_arguments"):
        await client.views_open(
            trigger_id=slack.issue_trigger("7.7.7"), view=upload_modal(**element)
        )
    [error] = slack.block_errors
    assert why in error, error


async def test_uploads_are_what_slacks_client_takes(slack: SlackStandIn) -> None:
    """A file_input's submission carries the file objects; the driver refuses what Slack's
    client would not upload: more than max_files, another extension, over 10 MB."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    await client.views_open(trigger_id=slack.issue_trigger("1.1.1", "USAM"), view=upload_modal())
    [opened] = slack.views
    a, b, c = (slack.host_file("USAM", f"{n}.png", b"x") for n in "abc")
    payload = view_submission_payload(slack, opened, {"image": [a, b]})
    state = payload["view"]["state"]["values"]["image"]["image"]
    assert state["type"] == "file_input" and [f["id"] for f in state["files"]] == [a["id"], b["id"]]
    empty = view_submission_payload(slack, opened, {})
    assert empty["view"]["state"]["values"]["image"]["image"]["files"] == []
    for files, why in (
        ([a, b, c], "at most 2"),
        ([slack.host_file("USAM", "doc.pdf", b"x")], "offers only"),
        ([slack.host_file("USAM", "big.png", b"x", size=FILE_INPUT_MAX_BYTES + 1)], "10 MB"),
    ):
        with pytest.raises(FileInputError, match=why):
            view_submission_payload(slack, opened, {"image": files})
