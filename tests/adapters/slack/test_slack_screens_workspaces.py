"""Screenshots with many workspaces (OAuth installs): a share is fetched with the token of the
workspace it was shared in, and a file of another workspace is not fetched with it."""

from __future__ import annotations

from tests.adapters.slack.helpers import until
from tests.adapters.slack.test_slack_oauth import Many, many
from tests.slack_standin import file_share_event

__all__ = ["many"]  # the fixture, shared with the OAuth tests


async def test_a_share_is_fetched_and_answered_with_its_workspaces_token(many: Many) -> None:
    """Sam shares in workspace TB: the file is downloaded with TB's token (Slack lets only a
    token of the file's workspace in) and the answer posted with it. Attack: a file object
    of workspace TA shared in TB is refused by its workspace, never fetched with TB's token."""
    slack = many.slack
    slack.add_user("USAM", "sam")
    await many.install("TA")
    await many.install("TB")
    doc = slack.host_file("USAM", "job.png", b"%PDF-1.7", team_id="TB", mimetype="image/png")
    status, _ = await many.event("TB", file_share_event(slack, "USAM", [doc]))
    assert status == 200
    await until(lambda: len(slack.calls_of("chat.postMessage")) == 1)
    [fetch] = slack.file_fetches
    assert fetch.authorized and fetch.file_id == doc["id"]
    [answer] = slack.calls_of("chat.postMessage")
    assert (
        slack.team_of(answer.token) == "TB" and "job.png is not an image" in answer.params["text"]
    )
    theirs = slack.host_file("USAM", "ta.png", b"\x89PNG", team_id="TA")
    await many.event("TB", file_share_event(slack, "USAM", [theirs]))
    await until(lambda: len(slack.calls_of("chat.postMessage")) == 2)
    assert (
        "ta.png comes from another workspace"
        in slack.calls_of("chat.postMessage")[1].params["text"]
    )
    assert len(slack.file_fetches) == 1
