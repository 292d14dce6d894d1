"""Configuration: every tunable of the product, read from a TOML file and the environment.

A missing or broken file, an unknown key or a value of the wrong type raises
:class:`ConfigError` naming the file and the key, so the command line can print one clear line.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///connects.db"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class SeedFactor:
    """One factor of the ``seed`` quote model: ascending band edges and the points of each band.

    ``points[i]`` applies to values below ``edges[i]``; the last entry of ``points`` applies at
    or above the last edge, so ``len(points) == len(edges) + 1``. ``neutral`` is used when the
    factor is unknown.
    """

    edges: tuple[int, ...]
    points: tuple[int, ...]
    neutral: int


@dataclass(frozen=True, slots=True)
class PricingConfig:
    model: str = "seed"  # "seed" or "rate_card"
    min_connects: int = 1
    max_connects: int = 6
    # seed model: points by factor; dollars and percents compared in whole units
    size_points: Mapping[str, int] = field(
        default_factory=lambda: {"small": 0, "medium": 1, "large": 2}
    )
    size_neutral: int = 1
    price: SeedFactor = SeedFactor((100, 500, 2000), (0, 1, 2, 3), 1)
    client_spent: SeedFactor = SeedFactor((1, 1000, 10000), (0, 1, 2, 3), 1)
    hire_rate: SeedFactor = SeedFactor((30, 70), (0, 1, 2), 1)
    # rating in tenths of a star: 4.0 -> 40
    rating: SeedFactor = SeedFactor((40, 48), (0, 1, 2), 1)
    verified_points: int = 1
    verified_neutral: int = 0
    funded_points: int = 1
    funded_neutral: int = 0
    # rate_card model: job value bands in dollars -> Connects (Upwork's 2/4/6/8 card)
    rate_card_edges: tuple[int, ...] = (50, 500, 5000)
    rate_card_connects: tuple[int, ...] = (2, 4, 6, 8)
    rate_card_unknown: int = 4
    # purchase tiers: (minimum quantity, cents per Connect), ascending quantity
    tiers: tuple[tuple[int, int], ...] = ((1, 100), (10, 75), (20, 50), (40, 30), (80, 15))
    # cost per Connect assumed for a user who never recorded a purchase
    default_cents_per_connect: int = 15


@dataclass(frozen=True, slots=True)
class WalletConfig:
    welcome_grant: int = 60
    monthly_grant: int = 0  # 0: none
    max_balance: int = 0  # 0: no maximum
    expiry_months: int = 12  # purchased Connects expire; 0: never
    undo_minutes: int = 5
    expiring_soon_days: int = 30


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    refundable: tuple[str, ...] = ("completed", "client_cancelled", "tos_removed")
    boost_only: tuple[str, ...] = ("outbid",)
    ghost_days: int = 14


@dataclass(frozen=True, slots=True)
class StorageConfig:
    url: str = DEFAULT_DATABASE_URL
    synchronous: str = "FULL"  # SQLite: FULL survives a power cut; NORMAL is faster
    busy_timeout_ms: int = 30000
    pool_min: int = 1  # PostgreSQL connection pool
    pool_max: int = 10


@dataclass(frozen=True, slots=True)
class LogConfig:
    level: str = "INFO"


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    token: str = ""
    guild_ids: tuple[int, ...] = ()
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = ""  # empty: Discord's own
    shard_count: int = 0  # 0: not sharded
    shard_ids: tuple[int, ...] = ()
    application_id: int = 0  # for the invite URL; 0: asked from Discord at start

    def __repr__(self) -> str:
        return f"DiscordConfig(token={'***' if self.token else ''!r}, guild_ids={self.guild_ids})"


@dataclass(frozen=True, slots=True)
class SlackConfig:
    mode: str = "socket"  # "socket" or "http"
    bot_token: str = ""
    app_token: str = ""
    signing_secret: str = ""
    host: str = "0.0.0.0"
    port: int = 3000
    path: str = "/slack/events"
    api_base: str = "https://slack.com/api/"

    def __repr__(self) -> str:
        return f"SlackConfig(mode={self.mode!r}, bot_token={'***' if self.bot_token else ''!r})"


@dataclass(frozen=True, slots=True)
class NoticesConfig:
    enabled: bool = True
    interval_seconds: int = 300
    expiry_warn_days: tuple[int, ...] = (7, 1)


@dataclass(frozen=True, slots=True)
class Config:
    pricing: PricingConfig = field(default_factory=PricingConfig)
    wallet: WalletConfig = field(default_factory=WalletConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    log: LogConfig = field(default_factory=LogConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    notices: NoticesConfig = field(default_factory=NoticesConfig)
    source: str = "(defaults)"


_SECTIONS: dict[str, type[Any]] = {
    "pricing": PricingConfig,
    "wallet": WalletConfig,
    "policy": PolicyConfig,
    "storage": StorageConfig,
    "log": LogConfig,
    "discord": DiscordConfig,
    "slack": SlackConfig,
    "notices": NoticesConfig,
}

_ENV: dict[tuple[str, str], str] = {
    ("storage", "url"): "CONNECTS_DATABASE_URL",
    ("discord", "token"): "DISCORD_TOKEN",
    ("slack", "bot_token"): "SLACK_BOT_TOKEN",
    ("slack", "app_token"): "SLACK_APP_TOKEN",
    ("slack", "signing_secret"): "SLACK_SIGNING_SECRET",
}


def _convert(where: str, default: Any, value: Any) -> Any:
    """Coerce ``value`` to the type of ``default`` or raise ConfigError naming ``where``."""
    if isinstance(default, SeedFactor):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a table with edges, points and neutral")
        merged = {
            "edges": value.get("edges", default.edges),
            "points": value.get("points", default.points),
            "neutral": value.get("neutral", default.neutral),
        }
        unknown = set(value) - set(merged)
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        edges = _convert(f"{where}.edges", default.edges, merged["edges"])
        points = _convert(f"{where}.points", default.points, merged["points"])
        neutral = _convert(f"{where}.neutral", default.neutral, merged["neutral"])
        if len(points) != len(edges) + 1:
            raise ConfigError(f"{where}: needs one more points entry than edges")
        if list(edges) != sorted(edges) or list(points) != sorted(points):
            raise ConfigError(f"{where}: edges and points must be ascending")
        return SeedFactor(edges, points, neutral)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {value!r}")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    if isinstance(default, Mapping):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a table")
        return {str(k): _convert(f"{where}.{k}", 0, v) for k, v in value.items()}
    if isinstance(default, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        sample = default[0] if default else _list_sample(where)
        return tuple(_convert(f"{where}[{i}]", sample, v) for i, v in enumerate(value))
    raise ConfigError(f"{where}: unsupported value {value!r}")  # pragma: no cover


def _list_sample(where: str) -> Any:
    if where.endswith(("guild_ids", "shard_ids")):
        return 0
    return ""


def _section(path: str, name: str, cls: type[Any], raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: [{name}] must be a table")
    defaults = cls()
    known = {f.name for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(
                f"{path}: unknown key {name}.{key} (known: {', '.join(sorted(known))})"
            )
        values[key] = _convert(f"{path}: {name}.{key}", getattr(defaults, key), value)
    return cls(**values)


def _validate(path: str, cfg: Config) -> None:
    p = cfg.pricing
    if p.model not in ("seed", "rate_card"):
        raise ConfigError(f"{path}: pricing.model must be 'seed' or 'rate_card'")
    if not 0 < p.min_connects <= p.max_connects:
        raise ConfigError(f"{path}: pricing.min_connects must be 1 or more and <= max_connects")
    if set(p.size_points) != {"small", "medium", "large"}:
        raise ConfigError(f"{path}: pricing.size_points needs small, medium and large")
    if len(p.rate_card_connects) != len(p.rate_card_edges) + 1:
        raise ConfigError(f"{path}: pricing.rate_card_connects needs one more entry than edges")
    if not p.tiers or p.tiers[0][0] != 1 or list(p.tiers) != sorted(p.tiers):
        raise ConfigError(f"{path}: pricing.tiers must start at quantity 1 and ascend")
    if any(len(t) != 2 or t[1] < 0 for t in p.tiers):
        raise ConfigError(f"{path}: pricing.tiers entries are [quantity, cents per Connect]")
    if cfg.storage.synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ConfigError(f"{path}: storage.synchronous must be OFF, NORMAL, FULL or EXTRA")
    if cfg.log.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"{path}: log.level must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
    if cfg.slack.mode not in ("socket", "http"):
        raise ConfigError(f"{path}: slack.mode must be 'socket' or 'http'")
    for key in ("welcome_grant", "monthly_grant", "max_balance", "expiry_months"):
        if getattr(cfg.wallet, key) < 0:
            raise ConfigError(f"{path}: wallet.{key} must not be negative")


def _tiers(path: str, raw: Any) -> tuple[tuple[int, int], ...]:
    if not isinstance(raw, list) or not all(
        isinstance(t, list) and len(t) == 2 and all(type(x) is int for x in t) for t in raw
    ):
        raise ConfigError(f"{path}: pricing.tiers must be a list of [quantity, cents] pairs")
    return tuple((t[0], t[1]) for t in raw)


def parse(data: Mapping[str, Any], path: str = "(config)",
          env: Mapping[str, str] | None = None) -> Config:
    """Build a :class:`Config` from parsed TOML ``data``; environment variables override."""
    env = os.environ if env is None else env
    sections: dict[str, Any] = {}
    for name, raw in data.items():
        cls = _SECTIONS.get(name)
        if cls is None:
            raise ConfigError(
                f"{path}: unknown section [{name}] (known: {', '.join(sorted(_SECTIONS))})"
            )
        raw = dict(raw) if isinstance(raw, Mapping) else raw
        tiers = None
        if name == "pricing" and isinstance(raw, dict) and "tiers" in raw:
            tiers = _tiers(path, raw.pop("tiers"))
        section = _section(path, name, cls, raw)
        if tiers is not None:
            section = _replace(section, tiers=tiers)
        sections[name] = section
    for (name, key), var in _ENV.items():
        if env.get(var):
            current = sections.get(name, _SECTIONS[name]())
            sections[name] = _replace(current, **{key: env[var]})
    cfg = Config(**sections, source=path)
    _validate(path, cfg)
    return cfg


def _replace(obj: Any, **changes: Any) -> Any:
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    values.update(changes)
    return type(obj)(**values)


def load(path: str | os.PathLike[str] | None, env: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file at ``path`` (``None``: defaults only) and the environment."""
    if path is None:
        return parse({}, env=env)
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read config file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from None
    return parse(data, str(file), env)
