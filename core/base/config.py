"""Configuration: every tunable of the product, read from a TOML file and the environment.

A missing or broken file, an unknown key or a value of the wrong type raises
:class:`ConfigError` naming the file and the key, so the command line can print one clear line.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from core.base.pricingconfig import (
    DEFAULT_PROFILE,
    PRICING_MODELS,
    PRICING_PROFILES,
    PricingConfig,
    SeedFactor,
)

T = TypeVar("T")

DEFAULT_DATABASE_URL = "sqlite:///connects.db"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class WalletConfig:
    """``[wallet]``: grants, the maximum balance, expiry of purchases and the undo window."""

    welcome_grant: int = 60
    monthly_grant: int = 0  # 0: none
    max_balance: int = 0  # 0: no maximum
    expiry_months: int = 12  # purchased Connects expire; 0: never
    undo_minutes: int = 5
    expiring_soon_days: int = 30

    def undo_until(self, at: int) -> int:
        """The last moment a bid or purchase made at ``at`` may be taken back (``/undo``,
        ``/void``): ``undo_minutes`` later."""
        return at + self.undo_minutes * 60

    def undoable(self, at: int, now: int) -> bool:
        """Whether what was made at ``at`` is still within the undo window at ``now``."""
        return now <= self.undo_until(at)


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """``[policy]``: which bid outcomes refund, and when a bid counts as ghosted."""

    refundable: tuple[str, ...] = ("completed", "client_cancelled", "tos_removed")
    boost_only: tuple[str, ...] = ("outbid",)
    ghost_days: int = 14


@dataclass(frozen=True, slots=True)
class StorageConfig:
    """``[storage]``: the database URL and its connection settings."""

    url: str = DEFAULT_DATABASE_URL
    synchronous: str = "FULL"  # SQLite: FULL survives a power cut; NORMAL is faster
    busy_timeout_ms: int = 30000
    pool_min: int = 1  # PostgreSQL connection pool
    pool_max: int = 10


@dataclass(frozen=True, slots=True)
class LogConfig:
    """``[log]``: the level of the log on stderr, and its format: ``text`` (a line a person
    reads) or ``json`` (one JSON object a line, with the request id, for a log collector)."""

    level: str = "INFO"
    format: str = "text"

    def __post_init__(self) -> None:
        if self.format not in ("text", "json"):
            raise ValueError("log.format must be 'text' or 'json'")


@dataclass(frozen=True, slots=True)
class NoticesConfig:
    """``[notices]``: whether and how often notices are sent, the expiry warnings, and when a
    bid without news is asked about (``outcome_after_days`` without news; again at most once,
    ``outcome_again_days`` after its ask or its "No news"; 0: never asked)."""

    enabled: bool = True
    interval_seconds: int = 300
    expiry_warn_days: tuple[int, ...] = (7, 1)
    outcome_after_days: int = 7
    outcome_again_days: int = 14

    def __post_init__(self) -> None:
        if self.outcome_after_days < 0 or self.outcome_again_days < 1:
            raise ValueError(
                "notices.outcome_after_days must be 0 or more, outcome_again_days 1 or more"
            )


@dataclass(frozen=True, slots=True)
class LearningConfig:
    """The learned cost model (:mod:`core.quotes.learning`): whose stated bids it learns from, how
    recent bids weigh more, when it is fitted, and the smallest counts it shows."""

    scope: str = "community"  # "community": each scope its own; "global": every scope pooled
    min_bids: int = 30  # stated bids a model needs before it may answer quotes
    half_life_days: int = 180  # a bid's weight halves every this many days of age
    max_age_days: int = 730  # older bids are left out
    folds: int = 5  # cross-validation folds of the error figures
    fit_every_hours: int = 24  # scheduled refits while `run` runs (0: never on schedule)
    min_outcomes: int = 20  # outcomes a hire-rate figure needs
    min_count: int = 5  # aggregates of fewer bids are never shown
    min_members: int = 5  # distinct members (besides the asker) an aggregate or model needs
    member_share_percent: int = 10  # the most of a fit's weight any one member's bids carry

    def __post_init__(self) -> None:
        if self.scope not in ("community", "global"):
            raise ValueError("learning.scope must be 'community' or 'global'")
        if not 2 <= self.folds <= 20:
            raise ValueError("learning.folds must be between 2 and 20")
        if self.min_bids < self.folds * 2:
            raise ValueError("learning.min_bids must be at least twice learning.folds")
        if not 1 <= self.member_share_percent <= 100:
            raise ValueError("learning.member_share_percent must be between 1 and 100")
        for key in ("half_life_days", "max_age_days", "min_outcomes", "min_count", "min_members"):
            if getattr(self, key) < 1:
                raise ValueError(f"learning.{key} must be 1 or more")
        if self.fit_every_hours < 0:
            raise ValueError("learning.fit_every_hours must not be negative (0: never)")


@dataclass(frozen=True, slots=True)
class Config:
    """Every section of the configuration, the adapters' own among them, and where it was
    read from."""

    pricing: PricingConfig = field(default_factory=lambda: PRICING_PROFILES[DEFAULT_PROFILE])
    wallet: WalletConfig = field(default_factory=WalletConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    log: LogConfig = field(default_factory=LogConfig)
    notices: NoticesConfig = field(default_factory=NoticesConfig)
    learning: LearningConfig = field(default_factory=LearningConfig)
    #: The sections adapters own (``[discord]``, ``[slack]``), by section name.
    platforms: Mapping[str, object] = field(default_factory=dict)
    #: Every configured secret value, for masking in logs.
    secrets: tuple[str, ...] = ()
    source: str = "(defaults)"

    def section(self, cls: type[T]) -> T:
        """The adapter-owned section of type ``cls`` (its defaults when not configured)."""
        for value in self.platforms.values():
            if isinstance(value, cls):
                return value
        return cls()


class Section(NamedTuple):
    """A section of the file and what it owns: its table ``name``, the frozen dataclass
    ``cls`` of its keys (with defaults; ``__post_init__`` may refuse a value with
    ``ValueError``), the environment variables that override keys, and the keys that hold
    secrets. Adapters declare theirs; the composition root passes them to :func:`parse`."""

    name: str
    cls: type[object]
    env: Mapping[str, str] = {}  # one shared empty default: read only, never changed
    secrets: tuple[str, ...] = ()


CORE_SECTIONS: tuple[Section, ...] = (
    Section("pricing", PricingConfig),
    Section("wallet", WalletConfig),
    Section("policy", PolicyConfig),
    Section("storage", StorageConfig, env={"url": "CONNECTS_DATABASE_URL"}),
    Section("log", LogConfig),
    Section("notices", NoticesConfig),
    Section("learning", LearningConfig),
)


def _seed_factor(where: str, default: SeedFactor, value: Any) -> SeedFactor:
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


#: Words in a key's name that mark its value as a secret (a token, a password, a URL that may
#: carry one): a refusal of such a value names the key and the type, never the value.
_SECRET_WORDS = ("token", "secret", "password", "passwd", "key", "url", "dsn", "credential")


def _is_secret(section: Section, key: str) -> bool:
    lowered = key.lower()
    return key in section.secrets or any(word in lowered for word in _SECRET_WORDS)


def _got(value: Any, secret: bool) -> str:
    """What a refusal says it found: the value, or only its type for a secret."""
    if not secret:
        return f"got {value!r}"
    kinds = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    kinds.update({list: "a list", dict: "a table"})
    kind = kinds.get(type(value), f"a {type(value).__name__}")
    return f"got {kind} (not shown: the key holds a secret)"


def _scalar(
    where: str, default: bool | int | str, value: Any, secret: bool = False
) -> bool | int | str:
    """``value`` if it has the type of ``default`` (a bool is not a whole number)."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, {_got(value, secret)}")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, {_got(value, secret)}")
    elif not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, {_got(value, secret)}")
    return value  # type: ignore[no-any-return]


def _convert(where: str, default: Any, value: Any, secret: bool = False) -> Any:
    """Coerce ``value`` to the type of ``default`` or raise ConfigError naming ``where``;
    ``secret``: the refusal never repeats the value."""
    if isinstance(default, SeedFactor):
        return _seed_factor(where, default, value)
    if isinstance(default, (bool, int, str)):
        return _scalar(where, default, value, secret)
    if isinstance(default, Mapping):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a table")
        return {str(k): _convert(f"{where}.{k}", 0, v, secret) for k, v in value.items()}
    if isinstance(default, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, {_got(value, secret)}")
        sample = default[0] if default else ""
        return tuple(_convert(f"{where}[{i}]", sample, v, secret) for i, v in enumerate(value))
    raise ConfigError(f"{where}: unsupported value {_got(value, secret)}")  # pragma: no cover


def _item_sample(hint: object) -> object:
    """A value of the item type of a ``tuple[X, ...]`` field, to convert list items by."""
    args = typing.get_args(hint)
    return args[0]() if args and args[0] in (int, str, bool) else ""


def _section(path: str, section: Section, raw: object) -> object:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: [{section.name}] must be a table")
    cls: Any = section.cls
    defaults = cls()
    if section.name == "pricing":
        profile = raw.get("profile", DEFAULT_PROFILE)
        if profile not in PRICING_PROFILES:
            raise ConfigError(
                f"{path}: pricing.profile must be one of {', '.join(sorted(PRICING_PROFILES))}"
            )
        defaults = PRICING_PROFILES[profile]
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    values: dict[str, object] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(
                f"{path}: unknown key {section.name}.{key} (known: {', '.join(sorted(known))})"
            )
        default = getattr(defaults, key)
        if isinstance(default, tuple) and not default:
            default = (_item_sample(hints[key]),)
        values[key] = _convert(
            f"{path}: {section.name}.{key}", default, value, _is_secret(section, key)
        )
    try:
        return dataclasses.replace(defaults, **values)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _check_fee(path: str, p: PricingConfig) -> None:
    if not 0 <= p.fee_basis_points < 10_000:
        raise ConfigError(
            f"{path}: pricing.fee_basis_points must be 0 to 9999 (1000 is Upwork's 10% fee)"
        )


def _validate_pricing(path: str, p: PricingConfig) -> None:
    if p.model not in PRICING_MODELS:
        raise ConfigError(f"{path}: pricing.model must be 'range', 'seed' or 'rate_card'")
    if not 0 < p.min_connects <= p.max_connects:
        raise ConfigError(f"{path}: pricing.min_connects must be 1 or more and <= max_connects")
    if not 0 < p.typical_low <= p.typical_high:
        raise ConfigError(f"{path}: pricing.typical_low must be 1 or more and <= typical_high")
    if set(p.size_points) != {"small", "medium", "large"}:
        raise ConfigError(f"{path}: pricing.size_points needs small, medium and large")
    if len(p.rate_card_connects) != len(p.rate_card_edges) + 1:
        raise ConfigError(f"{path}: pricing.rate_card_connects needs one more entry than edges")
    if p.rate_card_scale not in (1, 2):
        raise ConfigError(f"{path}: pricing.rate_card_scale must be 1 or 2 (the doubled card)")
    if not p.tiers or p.tiers[0][0] != 1 or list(p.tiers) != sorted(p.tiers):
        raise ConfigError(f"{path}: pricing.tiers must start at quantity 1 and ascend")
    if any(len(t) != 2 or t[1] < 0 for t in p.tiers):
        raise ConfigError(f"{path}: pricing.tiers entries are [quantity, cents per Connect]")
    _check_fee(path, p)


def _validate(path: str, cfg: Config) -> None:
    _validate_pricing(path, cfg.pricing)
    if cfg.storage.synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ConfigError(f"{path}: storage.synchronous must be OFF, NORMAL, FULL or EXTRA")
    if cfg.log.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"{path}: log.level must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
    for key in ("welcome_grant", "monthly_grant", "max_balance", "expiry_months"):
        if getattr(cfg.wallet, key) < 0:
            raise ConfigError(f"{path}: wallet.{key} must not be negative")


def _tiers(path: str, raw: object) -> tuple[tuple[int, int], ...]:
    if not isinstance(raw, list) or not all(
        isinstance(t, list) and len(t) == 2 and all(type(x) is int for x in t) for t in raw
    ):
        raise ConfigError(f"{path}: pricing.tiers must be a list of [quantity, cents] pairs")
    return tuple((t[0], t[1]) for t in raw)


def parse(
    data: Mapping[str, object],
    path: str = "(config)",
    env: Mapping[str, str] | None = None,
    sections: Sequence[Section] = (),
) -> Config:
    """Build a :class:`Config` from parsed TOML ``data``; environment variables override.
    ``sections`` are the adapter-owned sections besides the core's own."""
    env = os.environ if env is None else env
    known = {s.name: s for s in (*CORE_SECTIONS, *sections)}
    parsed: dict[str, object] = {}
    for name, raw in data.items():
        spec = known.get(name)
        if spec is None:
            raise ConfigError(
                f"{path}: unknown section [{name}] (known: {', '.join(sorted(known))})"
            )
        table = dict(raw) if isinstance(raw, Mapping) else raw
        tiers = None
        if name == "pricing" and isinstance(table, dict) and "tiers" in table:
            tiers = _tiers(path, table.pop("tiers"))
        parsed[name] = _section(path, spec, table)
        if tiers is not None:
            parsed[name] = dataclasses.replace(parsed[name], tiers=tiers)  # type: ignore[type-var]
    for spec in known.values():
        overrides = {key: env[var] for key, var in spec.env.items() if env.get(var)}
        if overrides:
            current = parsed.get(spec.name) or spec.cls()
            parsed[spec.name] = dataclasses.replace(current, **overrides)  # type: ignore[type-var]
    secrets = tuple(
        value
        for spec in known.values()
        for key in spec.secrets
        if isinstance(value := getattr(parsed.get(spec.name) or spec.cls(), key), str) and value
    )
    core = {s.name for s in CORE_SECTIONS}
    cfg = Config(
        **{k: v for k, v in parsed.items() if k in core},  # type: ignore[arg-type]
        platforms={k: v for k, v in parsed.items() if k not in core},
        secrets=secrets,
        source=path,
    )
    _validate(path, cfg)
    return cfg


def load(
    path: str | os.PathLike[str] | None,
    env: Mapping[str, str] | None = None,
    sections: Sequence[Section] = (),
) -> Config:
    """Read the TOML file at ``path`` (``None``: defaults only) and the environment."""
    if path is None:
        return parse({}, env=env, sections=sections)
    import tomllib  # only here: without a file, no start pays for importing the parser

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
    return parse(data, str(file), env, sections)
