"""Screenshots a Slack user hands the bot (the paste form's ``file_input``, an image shared in
the app's DM), fetched from Slack's file host into :class:`~core.interface.uploads.Images`.

A file object comes in Slack's own payload, but it is read as data that could lie, and every
refusal is one line naming the file, with nothing fetched:

- only the acting user's own files (``user``), uploaded from the workspace the request came
  from or their own home one (``user_team``): another member's file, or a file id of another
  workspace, is not fetched with this workspace's token;
- only images (``mimetype``) of at most :data:`MAX_BYTES` as Slack states them;
- only from Slack's own file host (:data:`SLACK_FILES`, or the origin of a configured
  ``api_base``, as a test's stand-in or a proxy in front of Slack), over the scheme it states,
  with no user part: a ``url_private`` pointing anywhere else is refused, never requested, so
  no request carrying the bot token leaves for another server and no internal address is
  probed from the bot (SSRF);
- no redirect is followed (Slack answers a request it does not authorize with a redirect to its
  login page), and the body is cut at :data:`MAX_BYTES`: a Content-Length over it is refused
  unread, and a stream that keeps coming stops there;
- a member flooding the bot with shares holds at most :data:`PER_USER` files being fetched at
  once, and all members together :data:`AT_ONCE` (at most 10 MB each in memory); past that a
  share is refused in one line, unfetched. Once fetched, the core's own bounds on images being
  read apply (:mod:`core.quotes.screens.pool`).

The token travels in the ``Authorization`` header only (Slack requires it for ``url_private``);
log lines name the file and the HTTP status or the error's type, never a header or the token.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Sequence

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from yarl import URL

from adapters.slack.identity import api_error
from adapters.slack.payloads import SlackFile
from core.interface.options import MAX_IMAGES
from core.interface.uploads import MAX_BYTES, Images

log = logging.getLogger(__name__)

#: where Slack serves a workspace's files (``url_private``, ``url_private_download``)
SLACK_FILES = "https://files.slack.com"
#: the image types a screenshot comes in (the core checks the bytes themselves again)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})
#: the extensions the form's ``file_input`` offers to upload (Slack checks them in its client)
FILETYPES = ("png", "jpg", "jpeg", "webp", "gif")
#: seconds a download may take in all, and between two reads
TIMEOUT = aiohttp.ClientTimeout(total=30, sock_connect=10, sock_read=10)
_CHUNK = 64 * 1024
#: files one member may have being fetched at once (one share of four screens)
PER_USER = 4
#: files all members may have being fetched at once
AT_ONCE = 16
_NAME_MAX = 80


class Refused(Exception):
    """A file the bot will not fetch or read: ``line`` says why, in one line."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


def _origin(url: URL) -> tuple[str, str, int | None]:
    return (url.scheme.lower(), (url.host or "").lower(), url.port)


def file_hosts(api_base: str) -> frozenset[tuple[str, str, int | None]]:
    """The origins the bot fetches files from: Slack's file host, and the origin of a
    configured ``api_base`` other than Slack's own (a stand-in or a proxy, already trusted
    with the bot token: every Web API call goes there)."""
    hosts = {_origin(URL(SLACK_FILES))}
    api = URL(api_base)
    if (api.host or "").lower() not in ("slack.com", "www.slack.com"):
        hosts.add(_origin(api))
    return frozenset(hosts)


def name_of(f: SlackFile) -> str:
    """A file's name as replies show it (its id when it has none), at most 80 characters."""
    name = " ".join(str(f.get("name") or f.get("title") or f.get("id") or "image").split())
    return name if len(name) <= _NAME_MAX else name[: _NAME_MAX - 1] + "…"


def hosted_url(f: SlackFile, hosts: Collection[tuple[str, str, int | None]]) -> URL:
    """The link to download ``f`` from: ``url_private_download`` (else ``url_private``) when it
    is on one of ``hosts`` and is this file's own path there (``/files-pri/<team>-<its id>/``,
    no query), so that even on a trusted host no other address (a Web API method, another
    file) is requested with the token; raises :class:`Refused` for any other."""
    raw = f.get("url_private_download") or f.get("url_private") or ""
    try:
        url = URL(raw)
    except ValueError:
        url = URL()
    parts = url.parts  # ("/", "files-pri", "T1-F2", ...) for one of Slack's file links
    own = (
        len(parts) >= 4
        and parts[1] == "files-pri"
        and parts[2].endswith("-" + str(f.get("id") or "?"))
        and ".." not in parts
    )
    if (
        not url.is_absolute()
        or url.user
        or url.password
        or _origin(url) not in hosts
        or not own
        or url.query_string
    ):
        raise Refused(f"{name_of(f)} is not on Slack's file host, so it was not fetched.")
    return url


def check_file(f: SlackFile, user_id: str, teams: Collection[str]) -> None:
    """Refuse (:class:`Refused`) a file that is not ``user_id``'s own upload from one of
    ``teams``, not an image, or over :data:`MAX_BYTES`, by what Slack states of it."""
    name = name_of(f)
    if f.get("user") != user_id:
        raise Refused(f"{name} was not shared by you: share your own screenshot.")
    if f.get("user_team") and f.get("user_team") not in teams:
        raise Refused(f"{name} comes from another workspace: share it here.")
    if f.get("mimetype") not in IMAGE_TYPES:
        raise Refused(f"{name} is not an image Connects bot can read: use PNG or JPEG.")
    # a size Slack did not state (or not as a number) is refused like one too large
    size = f.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size > MAX_BYTES:
        raise Refused(f"{name} is over 10 MB: share a screenshot.")


class Fetcher:
    """Fetches a user's images from Slack: see the module's rules."""

    def __init__(self, api_base: str) -> None:
        self.hosts = file_hosts(api_base)
        self._busy: Counter[str] = Counter()  # files being fetched, by user

    async def images(
        self,
        client: AsyncWebClient,
        files: Sequence[SlackFile],
        *,
        user_id: str,
        teams: Collection[str],
    ) -> Images:
        """The images of ``files`` (one job's screenshots, in order) for ``user_id``, fetched
        with ``client``'s token; a refusal is :attr:`Images.refused`, and the core answers
        it in one line. Every file is checked before the first is fetched."""
        if len(files) > MAX_IMAGES:
            line = f"image: up to {MAX_IMAGES} screenshots of one job, in order."
            return Images((), refused=line)
        n = len(files)
        if self._busy[user_id] + n > PER_USER:
            line = "image: your earlier screenshots are still being fetched; wait for them."
            return Images((), refused=line)
        if self._busy.total() + n > AT_ONCE:
            line = "image: too many screenshots are being fetched; try in a minute."
            return Images((), refused=line)
        self._busy[user_id] += n
        try:
            return await self._images(client, files, user_id, teams)
        finally:
            self._busy[user_id] -= n
            if not self._busy[user_id]:
                del self._busy[user_id]

    async def _images(
        self,
        client: AsyncWebClient,
        files: Sequence[SlackFile],
        user_id: str,
        teams: Collection[str],
    ) -> Images:
        try:
            described = [await self._described(client, f) for f in files]
            urls = []
            for f in described:
                check_file(f, user_id, teams)
                urls.append(hosted_url(f, self.hosts))
            shots = []
            async with aiohttp.ClientSession(
                timeout=TIMEOUT, cookie_jar=aiohttp.DummyCookieJar()
            ) as session:
                for f, url in zip(described, urls, strict=True):
                    shots.append((name_of(f), await self._download(session, client, f, url)))
        except Refused as exc:
            return Images((), refused=exc.line)
        return Images(tuple(shots))

    async def _described(self, client: AsyncWebClient, f: SlackFile) -> SlackFile:
        """``f`` itself, or, where Slack left its links out (``check_file_info``), what
        ``files.info`` says of it in this workspace (a file of another one is not found)."""
        if f.get("file_access") != "check_file_info" and (
            f.get("url_private_download") or f.get("url_private")
        ):
            return f
        try:
            resp = await client.files_info(file=str(f.get("id") or ""))
        except (SlackClientError, OSError, TimeoutError) as exc:
            log.info("files.info refused %s: %s", f.get("id"), api_error(exc))
            raise Refused(
                f"{name_of(f)} could not be read from Slack: share it again here."
            ) from None
        found: SlackFile | None = resp.get("file")  # the Web API answer itself is untyped
        return found or {}

    async def _download(
        self, session: aiohttp.ClientSession, client: AsyncWebClient, f: SlackFile, url: URL
    ) -> bytes:
        name = name_of(f)
        failed = Refused(f"{name} could not be fetched from Slack; share it again.")
        headers = {"Authorization": f"Bearer {client.token or ''}"}
        try:
            async with session.get(url, headers=headers, allow_redirects=False) as resp:
                if resp.status != 200 or resp.content_type == "text/html":
                    # a redirect or a page is Slack's login: the token was not accepted
                    log.warning("file %s: Slack answered HTTP %s", f.get("id"), resp.status)
                    raise failed
                if (resp.content_length or 0) > MAX_BYTES:
                    raise Refused(f"{name} is over 10 MB: share a screenshot.")
                data = bytearray()
                async for chunk in resp.content.iter_chunked(_CHUNK):
                    data += chunk
                    if len(data) > MAX_BYTES:
                        # leaving the block closes the connection: the rest is never read
                        raise Refused(f"{name} is over 10 MB: share a screenshot.")
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("file %s: download failed: %s", f.get("id"), type(exc).__name__)
            raise failed from None
