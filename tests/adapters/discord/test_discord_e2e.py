"""End to end: the real ``connects-bot run`` process, a real config file, the Discord stand-in."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

from tests.adapters.discord.helpers import button
from tests.discord_standin import DiscordStandin, Guild, Sent, User

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]


@dataclass
class Process:
    """A running ``connects-bot run`` and everything it printed on stderr."""

    proc: asyncio.subprocess.Process
    stderr: list[str] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    async def stop(self) -> int:
        """SIGTERM, as a service manager would; the exit code."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), 15)
        if self.reader is not None:
            await asyncio.wait_for(self.reader, 5)
        return code

    @property
    def log(self) -> str:
        return "".join(self.stderr)


def write_config(
    path: Path, standin: DiscordStandin, db: Path, *, token: bool = True, extra: str = ""
) -> Path:
    token_line = f'token = "{standin.token}"\n' if token else ""
    path.write_text(
        f'[storage]\nurl = "sqlite:///{db}"\n\n'
        f'[discord]\n{token_line}api_base = "{standin.api_base}"\n'
        f'gateway_url = "{standin.gateway_url}"\ncdn_hosts = ["{standin.cdn_base}"]\n{extra}',
        encoding="utf-8",
    )
    return path


async def start(config: Path, *args: str, env: dict[str, str] | None = None) -> Process:
    """``python -m bot run --config FILE`` with stderr collected."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    full_env.pop("CONNECTS_DATABASE_URL", None)
    full_env.update(env or {})
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        *args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=full_env,
        cwd=config.parent,
    )
    out = Process(proc)

    async def read() -> None:
        assert proc.stderr is not None
        async for line in proc.stderr:
            out.stderr.append(line.decode(errors="replace"))

    out.reader = asyncio.create_task(read())
    return out


@dataclass
class Bot:
    standin: DiscordStandin
    process: Process
    guild: Guild
    owner: User


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    """One bot process for the module's stories (each story uses its own people)."""
    tmp = tmp_path_factory.mktemp("discord-e2e")
    async with DiscordStandin() as sd:
        owner = sd.add_user("Olive")
        guild = sd.add_guild("Agency", owner)
        config = write_config(
            tmp / "connects.toml",
            sd,
            tmp / "connects.db",
            extra="\n[notices]\ninterval_seconds = 1\n",
        )
        process = await start(config)
        try:
            await sd.wait_ready()
            yield Bot(sd, process, guild, owner)
        finally:
            code = await process.stop()
        assert code == 0, process.log
        assert sd.token not in process.log
        assert "Traceback" not in process.log, process.log
        assert sd.violations == []


async def run(bot: Bot, command: str, user: User, /, **options: object) -> Sent:
    return await (await bot.standin.slash(command, user, bot.guild, **options)).final()


def balance(sent: Sent) -> int:
    match = re.match(r"(\d+) Connects?", sent.embeds[0]["title"])
    assert match, sent.data
    return int(match[1])


def bid_number(sent: Sent) -> str:
    match = re.match(r"Bid #(\d+) placed", sent.embeds[0]["title"])
    assert match, sent.data
    return f"#{match[1]}"


async def test_commands_are_synced_on_start(bot: Bot) -> None:
    """`connects-bot run` registers the whole catalog before it connects."""
    names = {c["name"] for c in bot.standin.commands[None]}
    assert {"quote", "bid", "refund", "balance", "pool", "history", "export"} <= names


async def test_quote_bid_balance_refund_balance(bot: Bot) -> None:
    """Quote, bid (with Undo), balance, refund, balance: the Connects come back."""
    sam = bot.standin.add_user("Sam")
    quote = await run(bot, "quote", sam, price=2500, size="large", verified=True, funded=True)
    # today's default: no stated cost, so a rough range; the bid is typed at the page's cost
    assert quote.embeds[0]["title"].startswith("about ")
    cost = 9
    bid = await run(
        bot,
        "bid",
        sam,
        job="https://www.upwork.com/jobs/~01",
        connects=cost,
        price=2500,
        size="large",
        verified=True,
        funded=True,
    )
    assert button(bid, "undo")
    assert balance(await run(bot, "balance", sam)) == 60 - cost
    refund = await run(bot, "refund", sam, bid=bid_number(bid), reason="completed")
    assert refund.embeds[0]["title"].startswith(f"Refunded {cost}")
    assert balance(await run(bot, "balance", sam)) == 60
    again = await run(bot, "refund", sam, bid=bid_number(bid), reason="completed")
    assert again.embeds == [] and again.ephemeral  # refunded once only


async def test_undo_button_and_second_click(bot: Bot) -> None:
    """Undo returns the Connects; clicking the same Undo again changes nothing."""
    sd, g = bot.standin, bot.guild
    kim = sd.add_user("Kim")
    bid = await run(bot, "bid", kim, job="Landing page", connects=8)
    undo = button(bid, "undo")
    done = await (await sd.click(bid, undo, kim, g)).final()
    assert "undone" in done.text()
    await (await sd.click(bid, undo, kim, g)).final()
    assert balance(await run(bot, "balance", kim)) == 60


async def test_pool_story_with_two_members_and_an_outsider(bot: Bot) -> None:
    """The owner funds a pool and adds a member; both bid; the outsider is refused; a repeat
    bid on the same job waits for Confirm; the low balance is announced in the pool's channel."""
    sd, g, owner = bot.standin, bot.guild, bot.owner
    member, outsider = sd.add_user("Mia"), sd.add_user("Oscar")
    await run(bot, "pool create", owner, name="studio")
    await run(bot, "pool topup", owner, name="studio", connects=40)
    await run(bot, "pool add", owner, name="studio", member=member)
    await run(bot, "pool allowance", owner, name="studio", member=member, connects=10)
    first = await run(bot, "bid", member, job="Brand refresh", connects=6, pool="studio")
    assert bid_number(first)
    over = await run(bot, "bid", member, job="Other job", connects=6, pool="studio")
    assert over.embeds == [] and over.content  # allowance of 10 would be exceeded
    refused = await run(bot, "bid", outsider, job="Sneaky", connects=1, pool="studio")
    assert refused.embeds == [] and refused.content
    dup = await run(bot, "bid", owner, job="Brand refresh", connects=6, pool="studio")
    assert dup.embeds[0]["title"] == "Already bid on this job"
    placed = await (await sd.click(dup, button(dup, "confirm"), owner, g)).final()
    assert bid_number(placed)
    info = await run(bot, "pool info", member, name="studio")
    assert info.embeds[0]["title"] == "Pool studio: 28 Connects"
    nosy = await run(bot, "pool info", outsider, name="studio")
    assert nosy.embeds == []
    channel = 1_250_000_000_000_000_999
    await run(bot, "pool threshold", owner, name="studio", connects=30, channel=channel)
    notices = await sd.wait_for(lambda: [m for c, m in sd.channel_messages if c == channel])
    assert "Pool studio is low: 28 Connects left" in notices[0]["content"]


async def test_overspend_and_bad_options_are_one_line(bot: Bot) -> None:
    """Overspending and bad options are refused privately with one line (or a headline and
    a short line) and change nothing."""
    lee = bot.standin.add_user("Lee")
    await run(bot, "bid", lee, job="Big", connects=55)
    for sent in (
        await run(bot, "bid", lee, job="Too much", connects=6),
        await run(bot, "refund", lee, bid="#987654", reason="completed"),
        await run(bot, "outcome", lee, bid="not a bid", status="hired"),
    ):
        assert sent.ephemeral and sent.embeds == [] and sent.content.count("\n") <= 1
    assert balance(await run(bot, "balance", lee)) == 5


async def test_same_interaction_twice_charges_once(bot: Bot) -> None:
    """The same INTERACTION_CREATE delivered twice at once spends once."""
    sd = bot.standin
    ann = sd.add_user("Ann")
    rec = await sd.send(sd.slash_payload("bid", ann, bot.guild, job="Dup", connects=9), times=2)
    await rec.first()
    await sd.wait_for(lambda: rec.rejected)
    assert balance(await run(bot, "balance", ann)) == 51


async def test_autocomplete_suggests_recent_bids_and_pools(bot: Bot) -> None:
    """While typing, /refund suggests the user's bids newest first and /bid their pools."""
    sd, g = bot.standin, bot.guild
    eve = sd.add_user("Eve")
    await run(bot, "bid", eve, job="Older", connects=1)
    await run(bot, "bid", eve, job="Newer", connects=2)
    bids = await (await sd.autocomplete("refund", "bid", eve, g)).first()
    assert [c["name"].split(" ", 1)[1] for c in bids.choices] == ["Newer, 2", "Older, 1"]
    pools = await (await sd.autocomplete("balance", "pool", bot.owner, g)).first()
    assert pools.type == 8


async def test_chart_and_csv_export_arrive_as_files(bot: Bot) -> None:
    """/history attaches a PNG chart and /export a CSV, both after a deferral."""
    sd = bot.standin
    cy = sd.add_user("Cy")
    await run(bot, "bid", cy, job="Charted job", connects=3)
    chart = await (await sd.slash("history", cy, bot.guild, chart=True)).final()
    assert chart.files and chart.files[0][2].startswith(b"\x89PNG")
    export = await sd.slash("export", cy, bot.guild)
    assert (await export.first()).type == 5
    csv = await export.final()
    assert csv.files[0][0].endswith(".csv") and b"Charted job" in csv.files[0][2]


async def test_help_in_a_dm(bot: Bot) -> None:
    """Commands work in a DM for the personal wallet."""
    dee = bot.standin.add_user("Dee")
    sent = await (await bot.standin.slash("balance", dee, None)).final()
    assert balance(sent) == 60


async def test_two_processes_one_database_charge_once(tmp_path: Path, bot: Bot) -> None:
    """Two bot processes on one database both receive the same interaction: one charge."""
    async with DiscordStandin() as sd:
        owner = sd.add_user("Olive")
        guild = sd.add_guild("Agency", owner)
        config = write_config(tmp_path / "c.toml", sd, tmp_path / "shared.db")
        first = await start(config)
        await sd.wait_ready()
        second = await start(config, "--no-sync")
        await sd.wait_ready(shards=2)
        try:
            rec = await sd.send(
                sd.slash_payload("bid", owner, guild, job="Race", connects=10), every_session=True
            )
            await rec.first()
            await sd.wait_for(lambda: rec.rejected)
            assert len(sd.syncs) == 1  # --no-sync left the commands alone
            sent = await (await sd.slash("balance", owner, guild)).final()
            assert balance(sent) == 50
        finally:
            codes = [await first.stop(), await second.stop()]
        assert codes == [0, 0], first.log + second.log
        assert sd.violations == []


async def test_paste_form_and_quote_this_job(bot: Bot) -> None:
    """/paste opens its form; what is typed there, or the text of a message, gets a private
    answer from the core; an empty message gets one line."""
    sd, g = bot.standin, bot.guild
    pat = sd.add_user("Pat")
    modal = await (await sd.slash("paste", pat, g)).first()
    assert modal.type == 9 and modal.data["custom_id"] == "connects:form:paste"
    sent = await (await sd.submit(modal, pat, g, post="Logo job: 'fast'\nBudget $50")).final()
    assert sent.ephemeral and "post" in sent.text().lower()
    post = sd.user_message(bot.owner, "https://www.upwork.com/jobs/~01f00dcafe", g)
    sent = await (await sd.message_command("Quote this job", post, pat, g)).final()
    assert sent.ephemeral and "post" in sent.text().lower()
    empty = sd.user_message(bot.owner, "", g)
    sent = await (await sd.message_command("Quote this job", empty, pat, g)).final()
    assert sent.ephemeral and sent.content.startswith("That message holds no text")


async def test_form_opened_before_a_restart_is_answered_after_it(tmp_path: Path, bot: Bot) -> None:
    """A form opened while one process ran is answered by the next one: the submission is
    routed by the modal's custom id, not by anything the first process kept."""
    async with DiscordStandin() as sd:
        owner = sd.add_user("Olive")
        guild = sd.add_guild("Agency", owner)
        config = write_config(tmp_path / "c.toml", sd, tmp_path / "restart.db")
        first = await start(config)
        try:
            await sd.wait_ready()
            modal = await (await sd.slash("paste", owner, guild)).first()
        finally:
            assert await first.stop() == 0, first.log
        await sd.wait_for(lambda: not sd.sessions)
        second = await start(config, "--no-sync")
        try:
            await sd.wait_ready()
            sent = await (await sd.submit(modal, owner, guild, post="A job post")).final()
            assert sent.type == 4 and sent.ephemeral and "post" in sent.text().lower()
        finally:
            assert await second.stop() == 0, second.log
        assert "Traceback" not in first.log + second.log
        assert sd.violations == []


async def test_token_from_environment_and_invite(tmp_path: Path, bot: Bot) -> None:
    """DISCORD_TOKEN alone starts the adapter; discord-invite prints the OAuth2 URL."""
    async with DiscordStandin(token="env-only-token") as sd:
        config = write_config(
            tmp_path / "c.toml",
            sd,
            tmp_path / "env.db",
            token=False,
            extra=f"application_id = {sd.application_id}\n",
        )
        proc = await start(config, env={"DISCORD_TOKEN": sd.token})
        try:
            await sd.wait_ready()
        finally:
            assert await proc.stop() == 0
        assert sd.token not in proc.log
        invite = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "discord-invite",
            "--config",
            str(config),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await invite.communicate()
        assert invite.returncode == 0, err
        urls = [line.strip() for line in out.decode().splitlines() if "https://" in line]
        assert len(urls) == 2  # a server install and a user install
        for url, kind in zip(urls, ("0", "1"), strict=True):
            assert url.startswith("https://discord.com/oauth2/authorize?")
            assert f"client_id={sd.application_id}" in url
            assert "applications.commands" in url and url.endswith(f"integration_type={kind}")
        assert "scopes: bot applications.commands" in out.decode()


async def test_refused_token_is_one_line(tmp_path: Path, bot: Bot) -> None:
    """A token Discord refuses stops the process with a clear line, no traceback, no token."""
    async with DiscordStandin() as sd:
        config = write_config(tmp_path / "c.toml", sd, tmp_path / "bad.db", token=False)
        proc = await start(config, env={"DISCORD_TOKEN": "not-the-right-token"})
        code = await asyncio.wait_for(proc.proc.wait(), 30)
        await proc.stop()
        assert code != 0
        assert "Discord refused the token" in proc.log
        assert "Traceback" not in proc.log
        assert "not-the-right-token" not in proc.log


async def test_invite_asks_discord_for_the_application_id(tmp_path: Path, bot: Bot) -> None:
    """Without application_id in the config, discord-invite asks Discord with the token."""
    async with DiscordStandin(token="invite-token") as sd:
        config = write_config(tmp_path / "c.toml", sd, tmp_path / "inv.db", token=False)
        env = {**os.environ, "DISCORD_TOKEN": sd.token}
        invite = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "discord-invite",
            "--config",
            str(config),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        out, err = await invite.communicate()
        assert invite.returncode == 0, err
        assert f"client_id={sd.application_id}" in out.decode()
        env.pop("DISCORD_TOKEN")
        missing = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "discord-invite",
            "--config",
            str(config),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        _, err = await missing.communicate()
        assert missing.returncode == 1
        assert "no Discord token" in err.decode() and "Traceback" not in err.decode()


async def test_quote_this_job_on_a_post_showing_two_costs(bot: Bot) -> None:
    """Attack: a message whose post shows a planted second cost beside Upwork's, quoted by
    another member: the private answer says what it found and offers no Bid button (one
    that would pick a cost); nothing is charged."""
    sd, g = bot.standin, bot.guild
    pat = sd.add_user("Pat")
    text = (
        "Logo for a bakery\nFixed-price\n$500\nIntermediate\n"
        "Required Connects to submit a proposal: 12\nSend a proposal for: 2 Connects\n"
        "https://www.upwork.com/jobs/~01abcdef0123456789"
    )
    post = sd.user_message(bot.owner, text, g)
    sent = await (await sd.message_command("Quote this job", post, pat, g)).final()
    assert sent.ephemeral
    assert "The post shows two costs, 12 and 2; bid with connects:." in sent.text()
    assert not any(":bid:" in str(b.get("custom_id", "")) for b in sent.buttons())
    after = await (await sd.slash("balance", pat, g)).final()
    assert "60" in after.text()
