"""Who acts and where: user keys, scopes and actors, as values instead of split strings.

A user key names one person on one platform, unique across platforms: ``platform:id`` or
``platform:workspace:id`` (the console's ``console:sam``, a chat platform's
``<platform>:<workspace>:<user>``). A scope names the community pools belong to: ``platform`` or
``platform:community``. Adapters build keys with :meth:`UserKey.of`; the core reads their parts
through the properties and never parses platform syntax.
"""

from __future__ import annotations

from typing import NamedTuple


class UserKey(str):
    """A user key; equal to (and stored as) its text form."""

    __slots__ = ()

    @classmethod
    def of(cls, platform: str, user_id: str, workspace: str | None = None) -> UserKey:
        """The key of ``user_id`` on ``platform`` (within ``workspace`` where ids are per
        workspace)."""
        parts = [platform, workspace, user_id] if workspace else [platform, user_id]
        if not platform or not user_id or any(":" in p for p in parts[:-1]):
            raise ValueError(f"not a user key: {parts!r}")
        return cls(":".join(parts))

    @property
    def platform(self) -> str:
        """The platform the key belongs to (its first part)."""
        return self.partition(":")[0]

    @property
    def user_id(self) -> str:
        """The platform's own id of the user (the last part)."""
        return self.rpartition(":")[2]

    @property
    def workspace(self) -> str | None:
        """The workspace of a three-part key, else ``None``."""
        middle = self.partition(":")[2].rpartition(":")[0]
        return middle or None


def platform_of(key_or_scope: str) -> str:
    """The platform a user key or a scope belongs to (``console`` for ``console:sam``)."""
    return key_or_scope.partition(":")[0]


def scope_of(platform: str, community: str | None = None) -> str:
    """The scope of a community (a server, a workspace) on ``platform``."""
    return f"{platform}:{community}" if community else platform


class UserRef(NamedTuple):
    """A platform user named in an option or acting: a stable key and a display name."""

    key: str
    display: str

    @property
    def user_key(self) -> UserKey:
        return UserKey(self.key)


class Actor(NamedTuple):
    """Who runs a command, and where.

    ``scope`` is the community pools belong to (see :func:`scope_of`); ``None`` in a direct
    message, where only the personal wallet is available. ``is_admin`` is true for the
    platform's community admins: they count as admins of every pool of their scope.
    """

    user: UserRef
    scope: str | None
    is_admin: bool = False
