"""Files on the stand-in as Slack keeps them: a file object (``files.info``, a ``file_input``'s
upload, a message's ``files``), its bytes at ``url_private`` behind the bot token, and the
checks Slack makes on a modal's ``file_input`` element and on what its client lets a user
upload there.

Slack's documented behaviour kept here: ``url_private`` and ``url_private_download`` answer only
a request whose ``Authorization: Bearer`` token works in the file's workspace; any other gets a
redirect to the workspace's sign-in page (HTML), never the file. ``files.info`` finds only a
file of the token's workspace (``file_not_found`` otherwise). A ``file_input`` takes 1-10 files
(``max_files``) of the listed extensions (``filetypes``), each at most 10 MB.
"""

from __future__ import annotations

import asyncio
import mimetypes
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

#: the most files a file_input takes (its max_files), and the largest file it uploads
FILE_INPUT_MAX_FILES = 10
FILE_INPUT_MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024


class FileInputError(ValueError):
    """What Slack's client would not let a user upload to a file_input."""


@dataclass
class Hosted:
    """A file Slack holds: its object, its bytes and how they are served. ``length`` is the
    Content-Length sent (``None``: chunked, no length); ``endless`` keeps sending past the
    bytes (a stream that does not stop) until the client hangs up or ``limit`` is sent."""

    meta: dict[str, Any]
    data: bytes
    team_id: str
    length: int | None
    endless: bool = False
    limit: int = 64 * 1024 * 1024
    sent: int = 0  # bytes written to clients, all requests together
    #: when set, a request waits for it before the bytes come (a slow download)
    hold: asyncio.Event | None = None

    @property
    def id(self) -> str:
        return str(self.meta["id"])


@dataclass
class FileFetch:
    """One request for a file's bytes: which file, and whether its token was let in."""

    file_id: str
    authorized: bool
    path: str = field(default="")


def file_object(
    base_url: str,
    file_id: str,
    name: str,
    size: int,
    *,
    user_id: str,
    team_id: str,
    mimetype: str | None = None,
) -> dict[str, Any]:
    """A file object as Slack's ``files.info`` (and an event's ``files``) describes it."""
    kind = mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else "binary"
    now = int(time.time())
    key = f"{team_id}-{file_id}"
    return {
        "id": file_id,
        "created": now,
        "timestamp": now,
        "name": name,
        "title": name,
        "mimetype": kind,
        "filetype": ext,
        "pretty_type": ext.upper(),
        "user": user_id,
        "user_team": team_id,
        "editable": False,
        "size": size,
        "mode": "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": False,
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": f"{base_url}/files-pri/{key}/{name}",
        "url_private_download": f"{base_url}/files-pri/{key}/download/{name}",
        "media_display_type": "unknown",
        "permalink": f"https://standin.slack.test/files/{user_id}/{file_id}/{name}",
        "permalink_public": f"https://slack-files.com/{key}-0000",
        "is_starred": False,
        "has_rich_preview": False,
        "file_access": "visible",
    }


def validate_file_input(element: dict[str, Any], where: str) -> None:
    """The checks Slack makes on a file_input element that slack_sdk's model does not:
    ``max_files`` an integer 1-10, ``filetypes`` a non-empty list of extensions (no dots)."""
    from tests.slack_standin.server import BlockError

    count = element.get("max_files")
    if count is not None and (
        not isinstance(count, int)
        or isinstance(count, bool)
        or not 1 <= count <= FILE_INPUT_MAX_FILES
    ):
        raise BlockError(f"{where}: max_files must be an integer 1-{FILE_INPUT_MAX_FILES}")
    kinds = element.get("filetypes")
    if kinds is not None and (
        not isinstance(kinds, list)
        or not kinds
        or not all(isinstance(k, str) and k and "." not in k and k == k.lower() for k in kinds)
    ):
        raise BlockError(f"{where}: filetypes must be a list of extensions like 'png'")


def uploaded_state(element: dict[str, Any], files: list[dict[str, Any]]) -> dict[str, Any]:
    """A file_input's value in ``view.state.values``: the files the user uploaded, refused
    (:class:`FileInputError`) as Slack's client refuses them: more than ``max_files``, an
    extension not in ``filetypes``, a file over 10 MB."""
    most = element.get("max_files") or FILE_INPUT_MAX_FILES
    if len(files) > most:
        raise FileInputError(f"{element.get('action_id')}: at most {most} files")
    kinds = element.get("filetypes")
    for f in files:
        ext = str(f.get("name", "")).rsplit(".", 1)[-1].lower()
        if kinds and ext not in kinds:
            raise FileInputError(f"{f.get('name')}: Slack's client offers only {kinds}")
        if int(f.get("size") or 0) > FILE_INPUT_MAX_BYTES:
            raise FileInputError(f"{f.get('name')}: over the file_input's 10 MB")
    return {"type": "file_input", "files": files}


async def serve(request: web.Request, hosted: Hosted | None, allowed: bool) -> web.StreamResponse:
    """The bytes of ``hosted`` to a request Slack lets in (``allowed``); otherwise a redirect
    to the sign-in page, as Slack answers a request for ``url_private`` without a working
    token."""
    if hosted is None or not allowed:
        base = f"{request.scheme}://{request.host}"
        raise web.HTTPFound(f"{base}/?redir={request.path}")
    if hosted.hold is not None:
        await hosted.hold.wait()
    resp = web.StreamResponse(
        status=200,
        headers={"Content-Type": str(hosted.meta.get("mimetype") or "application/octet-stream")},
    )
    if hosted.length is not None:
        resp.content_length = hosted.length
    else:
        resp.enable_chunked_encoding()
    await resp.prepare(request)
    try:
        view = memoryview(hosted.data)
        for start in range(0, len(view), CHUNK):
            await resp.write(bytes(view[start : start + CHUNK]))
            hosted.sent += min(CHUNK, len(view) - start)
        while hosted.endless and hosted.sent < hosted.limit:
            await resp.write(b"\0" * CHUNK)
            hosted.sent += CHUNK
        await resp.write_eof()
    except (ConnectionResetError, ConnectionError):
        pass  # the client hung up: what it read is counted in ``sent``
    return resp


async def sign_in_page(request: web.Request) -> web.Response:
    """Slack's sign-in page, where a file request without a working token is sent."""
    return web.Response(
        text="<!DOCTYPE html><html><title>Sign in | Slack</title></html>",
        content_type="text/html",
    )
