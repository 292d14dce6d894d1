"""Attachments fetched from Discord's CDN, and from nowhere else.

An attachment's ``url`` comes inside an interaction's payload; the bot downloads it with its own
network access, so a URL that named another host would make the bot fetch whatever the host
serves (a cloud metadata endpoint, a service on the bot's own network): server-side request
forgery. A URL is fetched only when its origin (scheme, host and port) is one of ``[discord]
cdn_hosts``, Discord's CDN by default; redirects are not followed. A file is not fetched when
Discord states it is over :data:`MAX_BYTES`, and the download stops once it passes that bound
(a CDN, or whatever stands in for one, may send more than it was said to). Nothing is kept: the
bytes live as long as the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import aiohttp
import yarl

from adapters.discord.config import DiscordConfig
from core.interface.uploads import MAX_BYTES, Images

#: Discord's CDN: attachments are served from these origins (``url`` and ``proxy_url``)
DISCORD_CDN = DiscordConfig().cdn_hosts
#: a download that takes longer is given up (a screenshot is a few MB)
TIMEOUT_SECONDS = 30
CHUNK = 64 * 1024


class Attachment(Protocol):
    """What the bot reads of an attachment (discord.py's ``discord.Attachment``)."""

    @property
    def filename(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def size(self) -> int: ...


def origin(url: str) -> str | None:
    """``https://cdn.discordapp.com`` for a URL on it: scheme, host and port (the default port
    left out), lower case; ``None`` for what is not an absolute http(s) URL, or one that
    carries a user name or password (``https://cdn.discordapp.com@elsewhere/``)."""
    try:
        u = yarl.URL(url)
    except (TypeError, ValueError):
        return None
    if u.scheme not in ("http", "https") or not u.host or u.user is not None:
        return None
    if u.password is not None:
        return None
    port = "" if u.port is None or u.is_default_port() else f":{u.port}"
    return f"{u.scheme}://{u.host.lower().rstrip('.')}{port}"


def allowed(url: str, hosts: Iterable[str]) -> bool:
    """Whether ``url`` is on one of the origins ``hosts`` (each ``scheme://host[:port]``)."""
    found = origin(url)
    return found is not None and found in {origin(h) for h in hosts}


class Refused(Exception):
    """An attachment that is not fetched, or not wholly: the one line the user gets."""


async def _download(session: aiohttp.ClientSession, f: Attachment) -> bytes:
    async with session.get(f.url, allow_redirects=False) as response:
        if response.status != 200:
            raise Refused(f"{f.filename} could not be fetched from Discord; retry.")
        length = response.content_length
        if length is not None and length > MAX_BYTES:
            raise Refused(f"{f.filename} is over 10 MB: share a screenshot.")
        body = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK):
            body += chunk
            if len(body) > MAX_BYTES:  # stopped here, whatever was said before
                raise Refused(f"{f.filename} is over 10 MB: share a screenshot.")
        return bytes(body)


async def fetch(files: Sequence[Attachment], hosts: Iterable[str] = DISCORD_CDN) -> Images:
    """The images ``files`` (a command's attachment option, a form's uploads, a message's
    image attachments) in order, downloaded from the CDN origins ``hosts``. One that cannot be
    had (too large by its stated size or its bytes, not on the CDN, not served) makes the
    whole a refused :class:`Images` the core answers in one line; nothing past it is
    fetched."""
    hosts = tuple(hosts)
    for f in files:  # every check that needs no download comes before any download
        if f.size > MAX_BYTES:
            return Images((), refused=f"{f.filename} is over 10 MB: share a screenshot.")
        if not allowed(f.url, hosts):
            return Images(
                (), refused=f"{f.filename} is not on Discord's CDN, so it was not fetched."
            )
    shots = []
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for f in files:
                shots.append((f.filename, await _download(session, f)))
    except Refused as exc:
        return Images((), refused=str(exc))
    except (aiohttp.ClientError, TimeoutError):
        name = files[len(shots)].filename
        return Images((), refused=f"{name} could not be fetched from Discord; retry.")
    return Images(tuple(shots))
