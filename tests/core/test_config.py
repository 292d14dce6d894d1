"""Configuration: defaults, overrides, and one clear line for every broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.discord.config import DiscordConfig
from bot.settings import load, parse
from core.base.config import Config, ConfigError


def test_defaults() -> None:
    """Without a file, the documented defaults apply."""
    cfg = parse({}, env={})
    assert cfg.storage.url == "sqlite:///connects.db"
    assert cfg.storage.synchronous == "FULL"
    assert cfg.wallet.welcome_grant == 60
    assert cfg.wallet.expiry_months == 12
    # today's Upwork: $0.15 a Connect whatever the quantity, a heuristic quote as a range
    assert cfg.pricing.profile == "upwork" and cfg.pricing.tiers == ((1, 15),)
    assert (cfg.pricing.model, cfg.pricing.typical_low, cfg.pricing.typical_high) == (
        "range",
        7,
        26,
    )
    assert Config().pricing == cfg.pricing


def test_environment_overrides() -> None:
    """CONNECTS_DATABASE_URL and platform tokens come from the environment."""
    cfg = parse(
        {"storage": {"url": "sqlite:///a.db"}},
        env={"CONNECTS_DATABASE_URL": "sqlite:///b.db", "DISCORD_TOKEN": "s3cr3t-value"},
    )
    assert cfg.storage.url == "sqlite:///b.db"
    assert cfg.section(DiscordConfig).token == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(cfg.section(DiscordConfig))
    assert cfg.secrets == ("s3cr3t-value",)


def test_example_config_parses() -> None:
    """config.example.toml documents every key and parses as is."""
    example = Path(__file__).parents[2] / "config.example.toml"
    cfg = load(example, env={})
    text = example.read_text()
    for section in (
        "pricing",
        "wallet",
        "policy",
        "storage",
        "log",
        "discord",
        "slack",
        "learning",
    ):
        assert f"[{section}]" in text
    assert cfg.pricing == parse({}, env={}).pricing  # the example shows the defaults
    assert cfg.learning == parse({}, env={}).learning  # the example shows the defaults


def test_learning_section(tmp_path: Path) -> None:
    """[learning]: its defaults, and each key read from the file."""
    learning = parse({}, env={}).learning
    assert (learning.scope, learning.min_bids, learning.half_life_days) == ("community", 30, 180)
    assert (learning.max_age_days, learning.folds, learning.fit_every_hours) == (730, 5, 24)
    assert (learning.min_outcomes, learning.min_count) == (20, 5)
    assert (learning.min_members, learning.member_share_percent) == (5, 10)
    path = tmp_path / "c.toml"
    path.write_text(
        '[learning]\nscope = "global"\nmin_bids = 50\nhalf_life_days = 30\nfit_every_hours = 0\n'
    )
    learning = load(path, env={}).learning
    assert (learning.scope, learning.min_bids, learning.half_life_days) == ("global", 50, 30)
    assert learning.fit_every_hours == 0


def test_pricing_tables(tmp_path: Path) -> None:
    """Tiers and seed factors are configurable."""
    path = tmp_path / "c.toml"
    path.write_text(
        '[pricing]\ntiers = [[1, 90], [50, 12]]\nmodel = "rate_card"\n'
        "[pricing.hire_rate]\nedges = [50]\npoints = [0, 3]\nneutral = 1\n"
    )
    cfg = load(path, env={})
    assert cfg.pricing.tiers == ((1, 90), (50, 12))
    assert cfg.pricing.hire_rate.points == (0, 3)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[storage\nurl=1", "not valid TOML"),
        ("[nope]\n", "unknown section [nope]"),
        ("[wallet]\nwelcome = 5\n", "unknown key wallet.welcome"),
        ('[wallet]\nwelcome_grant = "lots"\n', "wallet.welcome_grant: expected a whole number"),
        ('[pricing]\nmodel = "magic"\n', "pricing.model"),
        ("[pricing]\ntiers = [[5, 10]]\n", "pricing.tiers"),
        ("[pricing.price]\nedges = [1, 2]\npoints = [0, 1]\n", "pricing.price"),
        ('[storage]\nsynchronous = "SOMETIMES"\n', "storage.synchronous"),
        ('[discord]\nguild_ids = ["x"]\n', "discord.guild_ids[0]"),
        ('[learning]\nscope = "server"\n', "learning.scope must be 'community' or 'global'"),
        ("[learning]\nmember_share_percent = 0\n", "learning.member_share_percent must be"),
        ("[learning]\nmin_members = 0\n", "learning.min_members must be 1 or more"),
        ("[learning]\nfolds = 1\n", "learning.folds must be between 2 and 20"),
        ("[learning]\nmin_bids = 5\n", "learning.min_bids must be at least twice"),
        ("[learning]\nhalf_life_days = 0\n", "learning.half_life_days must be 1 or more"),
        ("[learning]\nmin_count = 0\n", "learning.min_count must be 1 or more"),
        ("[learning]\nfit_every_hours = -1\n", "learning.fit_every_hours must not be negative"),
        ('[learning]\nmin_bids = "30"\n', "learning.min_bids: expected a whole number"),
    ],
)
def test_broken_files_name_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    """A broken config names the file and the key in one line."""
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load(path, env={})
    assert str(path) in str(err.value)
    assert fragment in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is named."""
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "absent.toml", env={})


def test_the_example_switched_to_seed_is_the_seed_profile(tmp_path: Path) -> None:
    """One line away: config.example.toml with only ``profile = "seed"`` changed gives every
    seed number (the keys that differ by profile are left to it)."""
    from core.base.pricingconfig import PRICING_PROFILES

    example = (Path(__file__).parents[2] / "config.example.toml").read_text()
    assert example.count('profile = "upwork"') == 1
    path = tmp_path / "seed.toml"
    path.write_text(example.replace('profile = "upwork"', 'profile = "seed"'), encoding="utf-8")
    assert load(path, env={}).pricing == PRICING_PROFILES["seed"]
