"""Database URLs carry credentials in several forms; every one is masked wherever a URL is
shown, and a driver's error message that quotes one is masked too."""

from __future__ import annotations

import pytest

from core.store import open_store
from core.store.base import redact, redact_text, url_secrets
from tests import conftest as root


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://:pw@h/db", "postgresql://:***@h/db"),
        ("postgres://h:5432/db", "postgres://h:5432/db"),
        ("postgresql://h/db?password=SECRET", "postgresql://h/db?password=***"),
        ("postgresql://h/db?PassWord=SECRET&sslmode=x", "postgresql://h/db?PassWord=***&sslmode=x"),
        ("postgresql://h/db?pass%77ord=SECRET", "postgresql://h/db?pass%77ord=***"),
        (
            "postgresql://u:pw@h1,h2/db?sslkey=/k.pem&sslpassword=KP&passfile=/pf&search_path=s",
            "postgresql://u:***@h1,h2/db?sslkey=***&sslpassword=***&passfile=***&search_path=s",
        ),
        ("postgresql://h/db?password:SECRET&x=1", "postgresql://h/db?***&x=1"),
        # unescaped delimiters in a password: still all of it
        ("postgresql://u:p@ss/w#rd@h:5432/db?a=me@x", "postgresql://u:***@h:5432/db?a=me@x"),
        ("postgresql://u:pa?ss@h/db", "postgresql://u:***@h/db"),
        # an "@" in the query is not user info
        (
            "postgresql://h:5432/db?application_name=me@x",
            "postgresql://h:5432/db?application_name=me@x",
        ),
        ("postgresql://h/db?password=S#frag", "postgresql://h/db?password=***#frag"),
        # without an authority, what follows is a path, whatever it holds
        ("sqlite:////tmp/a:b@c.db", "sqlite:////tmp/a:b@c.db"),
        ("sqlite:///connects.db", "sqlite:///connects.db"),
        ("postgresql:///db?host=/run/pg&password=S", "postgresql:///db?host=/run/pg&password=***"),
        ("sqlite://u:pw@host/x.db", "sqlite://u:***@host/x.db"),
        ("not a url", "not a url"),
    ],
)
def test_redact_masks_every_credential(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_secrets_as_written_and_decoded() -> None:
    secrets = url_secrets("postgresql://u:p%40ss@h/db?sslpassword=a+b%21")
    assert {"p%40ss", "p@ss", "a+b%21", "a b!", "a+b!"} <= set(secrets)
    assert secrets == sorted(secrets, key=len, reverse=True)


def test_redact_text_masks_the_url_and_its_pieces_but_not_words() -> None:
    url = "postgresql://u:ab/cd@h/db?password=pw"
    text = f"bad {url}; invalid literal: 'ab'; pw; password authentication failed"
    masked = redact_text(text, url)
    assert "ab/cd" not in masked and "'ab'" not in masked and " pw;" not in masked
    assert "password authentication failed" in masked  # 'pw' inside a word is left alone
    assert redact(url) in masked


@pytest.mark.parametrize(
    ("suffix", "secret"),
    [
        ("?password=SECRET-in-query", "SECRET-in-query"),
        ("?PASSWORD=SECRET-upper", "SECRET-upper"),
        ("?password:SECRET-malformed", "SECRET-malformed"),
        ("?sslpassword=SECRET-ssl&sslmode=disable", "SECRET-ssl"),
    ],
)
async def test_connection_errors_never_show_a_credential(suffix: str, secret: str) -> None:
    """The real server: an unreachable port, a database that does not exist, a malformed query
    and a query parameter the server refuses; each is one line with every credential masked,
    and the driver's own exception (which may quote the URL) is not chained."""
    if "postgres" not in root.BACKENDS:
        pytest.skip("CONNECTS_TEST_BACKENDS does not include postgres")
    reason = await root._postgres_unavailable()
    if reason:
        pytest.skip(reason)
    base = root.PG_URL.split("?", 1)[0]
    scheme, rest = base.split("://", 1)
    host_db = rest.rsplit("@", 1)[-1]
    host, db = host_db.split("/", 1)
    urls = [
        f"{scheme}://postgres:hunter2-pw@127.0.0.1:1/{db}{suffix}",  # nothing listens there
        f"{scheme}://postgres:hunter2-pw@{host}/no_such_db{suffix}",
    ]
    for url in urls:
        with pytest.raises(ConnectionError) as caught:
            await open_store(url)
        message = str(caught.value)
        assert secret not in message and "hunter2-pw" not in message, message
        assert message.startswith(f"PostgreSQL at {redact(url)}: ")
        assert "\n" not in message
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
