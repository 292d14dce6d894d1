"""Many workspaces through the running bot and the stand-in: OAuth installs (and refused ones),
each workspace served with its own token, rotation raced by two apps, uninstall and revocation,
retention, and the Home tab. Every path on both databases."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import home, runner
from adapters.slack.config import SlackConfig
from adapters.slack.installs import REFRESH_BEFORE, NotInstalled, Workspaces
from adapters.slack.runner import ConfigurationError, SlackPlatform, check
from adapters.slack.sealing import Sealer, Tokens, Unsealable, new_key, parse_key
from adapters.slack.server import HttpServer
from bot.bootstrap import create_app
from bot.platforms import serve
from bot.settings import parse
from core.app import App
from core.base.keys import Actor, UserRef
from core.base.vocabulary import BidStatus
from core.ledger import outcome_asks
from core.store import open_store
from core.store.tables import asks
from core.store.tables import slack_installs as table
from tests.adapters.slack.helpers import SECRET, until
from tests.conftest import Clock
from tests.slack_standin import SlackDriver, SlackStandIn, action_payload, command_payload
from tests.slack_standin.server import TOKEN_TTL

KEY = new_key()


def _section(slack: SlackStandIn) -> dict[str, Any]:
    return {
        "mode": "http",
        "api_base": slack.api_base,
        "signing_secret": SECRET,
        "client_id": slack.client_id,
        "client_secret": slack.client_secret,
        "token_key": KEY,
        "host": "127.0.0.1",
        "port": 0,
        "path": "/slack/events",
    }


class Browser:
    """A browser on the install pages: its own cookies."""

    def __init__(self) -> None:
        self.session = aiohttp.ClientSession()
        self.cookies: list[str] = []

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


@dataclass
class Many:
    """The bot serving many workspaces, the stand-in, and a browser for the install pages."""

    slack: SlackStandIn
    app: App
    clock: Clock
    base: str
    driver: SlackDriver

    async def browser(self) -> Browser:
        return Browser()

    async def start_install(self, browser: Browser) -> str:
        """Open /slack/install: the state in the link to Slack's authorize page (and the
        browser keeps the state cookie bolt sets)."""
        async with browser.session.get(self.base + "/slack/install", allow_redirects=False) as resp:
            page = await resp.text()
            location = resp.headers.get("Location", "")
            for header in resp.headers.getall("Set-Cookie", []):
                # a Secure cookie, which a client keeps for https only: kept by hand here
                browser.cookies.append(header.split(";", 1)[0])
        found = re.search(r"[?&;]state=([^&\"']+)", location or page)
        assert found, page
        return urllib.parse.unquote(found.group(1))

    async def redirect(self, browser: Browser, code: str, state: str) -> tuple[int, str]:
        query = urllib.parse.urlencode({"code": code, "state": state})
        headers = {"Cookie": "; ".join(browser.cookies)} if browser.cookies else {}
        async with browser.session.get(
            f"{self.base}/slack/oauth_redirect?{query}", headers=headers
        ) as resp:
            return resp.status, await resp.text()

    async def install(self, team: str) -> None:
        async with await self.browser() as browser:
            state = await self.start_install(browser)
            status, page = await self.redirect(browser, self.slack.approve(team), state)
        assert status == 200 and "is installed" in page, page

    async def command(self, team: str, user: str, line: str) -> tuple[int, str]:
        payload = command_payload(self.slack, user, "/connects", line.removeprefix("/"))
        payload["team_id"] = team
        return await self.driver.post_signed(urllib.parse.urlencode(payload).encode())

    async def event(self, team: str, event: dict[str, Any]) -> tuple[int, str]:
        body = {
            "type": "event_callback",
            "team_id": team,
            "api_app_id": "ASTANDIN",
            "event": event,
            "event_id": f"Ev{time.time_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "UBOT" + team, "is_bot": True}],
        }
        return await self.driver.post_signed(
            json.dumps(body).encode(), content_type="application/json"
        )

    async def install_row(self, team: str) -> table.Install | None:
        return await self.app.store.read(lambda tx: table.find(tx, team))

    async def balance(self, team: str, user: str) -> int:
        actor = Actor(UserRef(f"slack:{team}:{user}", user), f"slack:{team}")
        reply = await self.app.run_text(actor, "balance", "read")
        return int(reply.title.split()[0])


@pytest.fixture
async def many(
    slack: SlackStandIn,
    migrated_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Many]:
    storage = {"url": migrated_db_url, "synchronous": "NORMAL"}
    config = parse({"storage": storage, "slack": _section(slack)}, env={})
    clock = Clock(int(time.time()))
    app = await create_app(config, clock)
    stop = asyncio.Event()
    listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Listening(HttpServer):
        async def start(self) -> None:
            await super().start()
            listening.set_result(self.port)

    monkeypatch.setattr(runner, "HttpServer", Listening)
    task = asyncio.create_task(serve(app, [SlackPlatform(app, config.section(SlackConfig))], stop))
    done, _ = await asyncio.wait([listening, task], timeout=30, return_when="FIRST_COMPLETED")
    assert listening in done, "the Slack HTTP server did not start"
    base = f"http://127.0.0.1:{listening.result()}"
    driver = SlackDriver(slack, "http", bot_url=base + "/slack/events", signing_secret=SECRET)
    try:
        yield Many(slack, app, clock, base, driver)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await driver.close()
        await app.close()
    assert not slack.block_errors, slack.block_errors


def _teams_of(slack: SlackStandIn, method: str) -> list[str | None]:
    return [slack.team_of(c.token) for c in slack.calls_of(method)]


async def test_two_workspaces_install_and_each_is_served_with_its_own_token(many: Many) -> None:
    """Two workspaces install through /slack/install and the redirect; tokens are stored
    sealed (no token text in the database); a command from each workspace is answered with
    that workspace's token and keyed to that workspace, so the same user id in the other
    workspace is another person with another wallet."""
    slack = many.slack
    slack.add_user("USAM", "sam")
    await many.install("TA")
    await many.install("TB")
    for team in ("TA", "TB"):
        row = await many.install_row(team)
        assert row is not None and row.sealed is not None and row.expires_at is not None
        assert not any(tok in row.sealed for tok in slack.teams[team].tokens)
        assert "xox" not in row.sealed
    status, _ = await many.command("TA", "USAM", "/buy connects:40")
    assert status == 200
    assert await many.balance("TA", "USAM") > await many.balance("TB", "USAM")
    assert set(_teams_of(slack, "users.info")) == {"TA"}
    await many.command("TB", "USAM", "/balance")
    await until(lambda: "TB" in _teams_of(slack, "users.info"))
    assert None not in _teams_of(slack, "users.info")


async def test_a_forged_or_replayed_state_installs_nothing(many: Many) -> None:
    """Attack: someone sends a victim (or Slack's redirect) to /slack/oauth_redirect with a
    state the bot never issued, with one issued to another browser, or with a state already
    used: the failure page, the code is never exchanged, no workspace is stored."""
    slack = many.slack
    async with await many.browser() as browser:
        real = await many.start_install(browser)
        code = slack.approve("TEVIL")
        status, page = await many.redirect(browser, code, "forged" + real[6:])
        assert status >= 400 and "was not installed" in page
    async with await many.browser() as other:  # the right state, another browser
        status, page = await many.redirect(other, code, real)
        assert status >= 400 and "was not installed" in page
    assert code in slack.codes and not slack.calls_of("oauth.v2.access")
    assert await many.install_row("TEVIL") is None
    async with await many.browser() as browser:
        state = await many.start_install(browser)
        status, _ = await many.redirect(browser, slack.approve("TGOOD"), state)
        assert status == 200
        again = slack.approve("TEVIL")
        status, page = await many.redirect(browser, again, state)
        assert status >= 400 and again in slack.codes
    assert await many.install_row("TEVIL") is None


async def test_a_request_for_a_workspace_without_a_token_changes_nothing(many: Many) -> None:
    """Attack: Slack signs with one secret per app, not per workspace, so a signed request
    can only name a workspace Slack saw; one for a workspace that never installed (or whose
    token is gone) is not served: no Web API call, no wallet, no reply."""
    await many.install("TA")
    before = len(many.slack.calls)
    status, body = await many.command("TNEVER", "USAM", "/buy connects:40")
    assert status != 200 or "40" not in body
    assert len(many.slack.calls) == before

    async def users(tx: Any) -> list[Any]:
        return list(await tx.fetchall("SELECT key FROM users"))

    assert not [u for u in await many.app.store.read(users) if "TNEVER" in u["key"]]


async def test_uninstall_removes_tokens_now_and_data_after_retention(many: Many) -> None:
    """app_uninstalled drops the workspace's tokens at once; a request afterwards is not
    served and the old token is never used again (attack: a revoked workspace's token
    reused). Installing again within the retention period keeps the wallet; after the
    period, its data is deleted."""
    slack = many.slack
    await many.install("TA")
    await many.command("TA", "USAM", "/buy connects:40")
    kept = await many.balance("TA", "USAM")
    old_tokens = set(slack.teams["TA"].tokens)
    status, _ = await many.event("TA", {"type": "app_uninstalled"})
    assert status == 200
    # Slack follows with tokens_revoked, for a workspace whose tokens are already gone
    status, _ = await many.event("TA", {"type": "tokens_revoked", "tokens": {"bot": ["UBOTTA"]}})
    assert status == 200
    row = await many.install_row("TA")
    assert row is not None and row.sealed is None and row.removed_at is not None
    slack.revoke("TA")
    calls = len(slack.calls)
    await many.command("TA", "USAM", "/buy connects:5")
    assert all(c.token not in old_tokens for c in slack.calls[calls:])
    assert await many.balance("TA", "USAM") == kept
    # back within the retention period: the same wallet
    many.clock.advance(29 * 86_400)
    await many.install("TA")
    assert await many.balance("TA", "USAM") == kept
    # tokens revoked (not uninstalled), then the period passes
    await many.event("TA", {"type": "tokens_revoked", "tokens": {"bot": ["UBOTTA"]}})
    row = await many.install_row("TA")
    assert row is not None and row.sealed is None
    many.clock.advance(31 * 86_400)
    ws = Workspaces(
        many.app.store, Sealer(parse_key(KEY)), "x", "y", lambda t: AsyncWebClient(), many.clock
    )
    assert await ws.purge_removed(30) == ["TA"]
    assert await many.install_row("TA") is None

    async def users(tx: Any) -> list[Any]:
        return list(await tx.fetchall("SELECT key FROM users"))

    assert not [u for u in await many.app.store.read(users) if "TA:" in u["key"]]


async def test_home_tab_on_open_and_after_a_change(many: Many) -> None:
    """app_home_opened publishes the user's dashboard (a home view the stand-in validates:
    at most 100 blocks, unique ids) with the wallet and a "Paste a job post" button; after a
    purchase it is published again showing the new balance."""
    slack = many.slack
    await many.install("TA")
    status, _ = await many.event("TA", {"type": "app_home_opened", "user": "USAM", "tab": "home"})
    assert status == 200
    await until(lambda: ("TA", "USAM") in slack.homes)
    first = json.dumps(slack.homes[("TA", "USAM")])
    assert "Paste a job post" in first and "Your wallet" in first
    assert len(slack.homes[("TA", "USAM")]["blocks"]) <= 100
    await many.command("TA", "USAM", "/buy connects:40")
    await until(lambda: json.dumps(slack.homes[("TA", "USAM")]) != first)
    assert str(await many.balance("TA", "USAM")) in json.dumps(slack.homes[("TA", "USAM")])
    # the messages tab is not the Home tab: nothing published for it
    publishes = len(slack.calls_of("views.publish"))
    await many.event("TA", {"type": "app_home_opened", "user": "UKIM", "tab": "messages"})
    assert len(slack.calls_of("views.publish")) == publishes


async def test_rotation_raced_by_two_apps_spends_one_refresh_token(
    slack: SlackStandIn, migrated_db_url: str
) -> None:
    """Two apps (each with its own database connections, as two replicas) ask for an
    expiring token at once, again and again: the stand-in sees each refresh token spent once
    and none presented twice, and once the old token has expired, both get the new one."""
    clock = Clock(int(time.time()))
    stores = [await open_store(migrated_db_url) for _ in range(2)]
    slack.refresh_delay = 0.2
    try:
        api = AsyncWebClient(base_url=slack.api_base)
        granted = await api.oauth_v2_access(
            client_id=slack.client_id, client_secret=slack.client_secret, code=slack.approve("TR")
        )
        apps = [
            Workspaces(
                s,
                Sealer(parse_key(KEY)),
                slack.client_id,
                slack.client_secret,
                lambda token: AsyncWebClient(token=token, base_url=slack.api_base),
                clock,
            )
            for s in stores
        ]
        await apps[0].installations.async_save(
            Installation(
                team_id="TR",
                user_id="UINST",
                bot_token=granted["access_token"],
                bot_refresh_token=granted["refresh_token"],
                bot_token_expires_at=clock() + TOKEN_TTL,
                bot_id="B1",
                bot_user_id="UBOTTR",
            )
        )
        first = granted["access_token"]
        assert await apps[1].token("TR") == first  # fresh: no refresh
        clock.advance(TOKEN_TTL - REFRESH_BEFORE + 60)  # due, not yet expired
        got = await asyncio.gather(*(a.token("TR") for a in apps * 3))
        assert slack.teams["TR"].refreshes == 1 and slack.teams["TR"].reused == 0
        assert all(t in slack.teams["TR"].tokens for t in got)
        clock.advance(TOKEN_TTL)  # the rotated token has expired too
        got = await asyncio.gather(*(a.token("TR") for a in apps * 3))
        assert slack.teams["TR"].refreshes == 2 and slack.teams["TR"].reused == 0
        assert len(set(got)) == 1 and first not in got
        assert sum(a.refreshes for a in apps) == 2
    finally:
        for s in stores:
            await s.close()


def test_sealed_tokens_open_only_for_their_workspace_and_key() -> None:
    """Attack: a database writer copies workspace A's sealed tokens onto workspace B's row;
    they do not open as B's. Another key opens nothing; altered text opens nothing."""
    sealer = Sealer(parse_key(KEY))
    sealed = sealer.seal("TA", Tokens("xoxb-secret", "xoxe-secret"))
    assert "secret" not in sealed and sealer.open("TA", sealed).bot_token == "xoxb-secret"
    with pytest.raises(Unsealable):
        sealer.open("TB", sealed)
    with pytest.raises(Unsealable):
        Sealer(parse_key(new_key())).open("TA", sealed)
    with pytest.raises(Unsealable):
        sealer.open("TA", sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))
    assert "secret" not in repr(sealer.open("TA", sealed))


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"token_key": ""}, "SLACK_TOKEN_KEY) is not set"),
        ({"token_key": "not-a-key"}, "SLACK_TOKEN_KEY) is not a key"),
        ({"client_secret": ""}, "client_secret"),
        ({"mode": "socket"}, "needs slack.mode = 'http'"),
    ],
)
def test_many_workspaces_config_errors_are_one_line(changes: dict[str, str], says: str) -> None:
    """A missing or invalid token key (or secret, or mode) stops the start with one line
    saying what to set, never a traceback or the key itself."""
    fields = {
        "mode": "http",
        "signing_secret": "s",
        "client_id": "1.2",
        "client_secret": "c",
        "token_key": KEY,
        **changes,
    }
    with pytest.raises(ConfigurationError) as err:
        check(SlackConfig(**fields))  # type: ignore[arg-type]
    assert says in str(err.value) and "\n" not in str(err.value)
    assert KEY not in str(err.value)


def _home_payload(many: Many, team: str, user: str, action_id: str, value: str) -> bytes:
    """A press on a button of the Home tab: a view container, no response_url."""
    payload = action_payload(many.slack, user, action_id, value, block_id="bids-buttons-0")
    payload["team"] = {"id": team, "domain": team.lower()}
    payload["user"]["team_id"] = team
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    payload["view"] = {"type": "home", "id": "VHOME"}
    payload.pop("response_url")
    payload.pop("channel")
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


async def _ask_about_last_bid(app: App, key: str, clock: Clock) -> int:
    """Record an outcome ask about ``key``'s latest bid, as the asking job does."""

    async def ask(tx: Any) -> int:
        row = await tx.fetchone(
            "SELECT id, status FROM bids WHERE bidder = :k ORDER BY id DESC", {"k": key}
        )
        await asks.record(
            tx,
            asks.Ask(
                outcome_asks.new_token(),
                int(row["id"]),
                key,
                "notice-1",
                BidStatus(row["status"]),
                clock(),
            ),
        )
        return int(row["id"])

    return int(await app.store.write(ask))


def _buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**e, "_block_id": b["block_id"]}
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


async def test_home_tab_outcome_buttons_act_once_and_only_for_their_owner(many: Many) -> None:
    """A bid asked about shows its outcome-ask buttons on the owner's Home tab; pressed
    there, Hired records the outcome once (a second press changes nothing) and the tab is
    published again. Attack: the same user id in another workspace (a request signed for
    team B) presses team A's button value: refused, nothing changes."""
    slack = many.slack
    await many.install("TA")
    await many.install("TB")
    await many.command("TA", "USAM", "/bid job:home-test connects:3")
    bid_id = await _ask_about_last_bid(many.app, "slack:TA:USAM", many.clock)
    await many.event("TA", {"type": "app_home_opened", "user": "USAM", "tab": "home"})
    await until(lambda: ("TA", "USAM") in slack.homes)
    view = slack.homes[("TA", "USAM")]
    hired = next(b for b in _buttons(view) if b["text"]["text"] == f"#{bid_id} Hired")
    publishes = len(slack.calls_of("views.publish"))

    async def status() -> str:
        async def read(tx: Any) -> str:
            row = await tx.fetchone("SELECT status FROM bids WHERE id = :b", {"b": bid_id})
            return str(row["status"])

        return str(await many.app.store.read(read))

    def told(team: str) -> list[str]:
        return [
            json.dumps(c.params)
            for c in slack.calls_of("chat.postMessage")
            if slack.team_of(c.token) == team and c.params.get("channel") == "USAM"
        ]

    # team B's user with the same id presses team A's button value: told why, in team B
    code, _ = await many.driver.post_signed(
        _home_payload(many, "TB", "USAM", hired["action_id"], hired["value"])
    )
    assert code == 200
    await until(lambda: bool(told("TB")))
    assert "Only the person" in told("TB")[0]
    assert await status() == "submitted"
    code, _ = await many.driver.post_signed(
        _home_payload(many, "TA", "USAM", hired["action_id"], hired["value"])
    )
    assert code == 200
    await until(lambda: len(slack.calls_of("views.publish")) > publishes)
    assert await status() == "hired"
    entries_before = await many.app.store.read(
        lambda tx: tx.fetchall("SELECT id FROM entries ORDER BY id")
    )
    publishes = len(slack.calls_of("views.publish"))
    await many.driver.post_signed(
        _home_payload(many, "TA", "USAM", hired["action_id"], hired["value"])
    )
    # the second press is answered (a refusal told, or the tab published again) ...
    await until(lambda: bool(told("TA")) or len(slack.calls_of("views.publish")) > publishes)
    # ... and changes nothing
    assert await status() == "hired"
    assert (
        await many.app.store.read(lambda tx: tx.fetchall("SELECT id FROM entries ORDER BY id"))
        == entries_before
    )


async def test_home_tab_paste_button_opens_the_form_with_the_workspaces_token(
    many: Many,
) -> None:
    """Paste a job post, pressed on the Home tab, opens the /paste form (views.open with the
    press's trigger id and the workspace's own token)."""
    slack = many.slack
    await many.install("TA")
    code, _ = await many.driver.post_signed(
        _home_payload(many, "TA", "USAM", home.PASTE_ACTION, "paste")
    )
    assert code == 200
    opened = await slack.wait_calls("views.open")
    assert slack.team_of(opened[0].token) == "TA"


async def test_no_token_reaches_the_logs(
    many: Many, caplog: pytest.LogCaptureFixture, migrated_db_url: str
) -> None:
    """Installs, commands, the Home tab, a rotation and an uninstall log no token or
    refresh token, at DEBUG for the bot's own loggers (the platform libraries kept at
    WARNING, as ``bot.logs.setup`` keeps them)."""
    caplog.set_level(logging.DEBUG)
    for name in ("slack_bolt", "slack_sdk", "aiohttp.access", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
    slack = many.slack
    await many.install("TA")
    await many.command("TA", "USAM", "/balance")
    await many.event("TA", {"type": "app_home_opened", "user": "USAM", "tab": "home"})
    await until(lambda: ("TA", "USAM") in slack.homes)
    many.clock.advance(TOKEN_TTL - REFRESH_BEFORE + 60)
    await many.command("TA", "USAM", "/balance")
    await until(lambda: slack.teams["TA"].refreshes == 1)
    await many.event("TA", {"type": "app_uninstalled"})
    team = slack.teams["TA"]
    secrets = [*team.spent, *team.tokens, team.refresh_token or "x" * 40, slack.client_secret]
    secrets += [f"xoxb-TA-{n}" for n in range(1, 40)]
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "rotated" in text and "installed" in text
    leaked = [s for s in secrets if s in text]
    assert not leaked, leaked


async def test_a_refused_refresh_is_tried_once_per_request(
    slack: SlackStandIn, migrated_db_url: str
) -> None:
    """When Slack refuses a refresh (a revoked app, a refresh token already spent), a token
    still valid keeps serving; an expired one makes the request fail at once, after one
    attempt, not a storm of retries against Slack."""
    clock = Clock(int(time.time()))
    store = await open_store(migrated_db_url)
    try:
        granted = await AsyncWebClient(base_url=slack.api_base).oauth_v2_access(
            client_id=slack.client_id, client_secret=slack.client_secret, code=slack.approve("TF")
        )
        ws = Workspaces(
            store,
            Sealer(parse_key(KEY)),
            slack.client_id,
            slack.client_secret,
            lambda token: AsyncWebClient(token=token, base_url=slack.api_base),
            clock,
        )
        await ws.installations.async_save(
            Installation(
                team_id="TF",
                user_id="U",
                bot_token=granted["access_token"],
                bot_refresh_token=granted["refresh_token"],
                bot_token_expires_at=clock() + TOKEN_TTL,
                bot_id="B",
                bot_user_id="UB",
            )
        )
        calls = len(slack.calls_of("oauth.v2.access"))
        clock.advance(TOKEN_TTL - 60)  # due, still valid
        slack.fail_next("oauth.v2.access", "invalid_refresh_token")
        assert await ws.token("TF") == granted["access_token"]
        assert len(slack.calls_of("oauth.v2.access")) == calls + 1
        clock.advance(120)  # expired
        slack.fail_next("oauth.v2.access", "invalid_refresh_token")
        with pytest.raises(NotInstalled):
            await ws.token("TF")
        assert len(slack.calls_of("oauth.v2.access")) == calls + 2
        # Slack answers again: the next request refreshes and is served
        fresh = await ws.token("TF")
        assert fresh != granted["access_token"] and fresh in slack.teams["TF"].tokens
    finally:
        await store.close()
