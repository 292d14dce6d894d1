"""The configuration with every section the bot knows: the core's and each platform's."""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot import opsconfig
from bot.platforms import SECTIONS as PLATFORM_SECTIONS
from core.base import config as core_config
from core.base.config import Config

#: The sections the bot owns besides the core's: each platform's and ``[ops]``.
SECTIONS = (*PLATFORM_SECTIONS, opsconfig.SECTION)


def parse(
    data: Mapping[str, object], path: str = "(config)", env: Mapping[str, str] | None = None
) -> Config:
    """:func:`core.base.config.parse` with the platforms' sections."""
    return core_config.parse(data, path, env, SECTIONS)


def load(path: str | os.PathLike[str] | None, env: Mapping[str, str] | None = None) -> Config:
    """:func:`core.base.config.load` with the platforms' sections."""
    return core_config.load(path, env, SECTIONS)
