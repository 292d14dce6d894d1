"""Posts generated from a structured job (:mod:`tests.core.jobpost_gen`), in every layout
people paste, every label variant Upwork prints, pasted as lines, with CRLF, loose or
flattened to one line, each with a description that plants fact phrases, costs, balances
and links inside its sentences and on lines of their own: every field read is the truth (what
the layout does not show stays unknown) and nothing is read from the description.

The attack: a client writes Upwork's labels into the description to steer what a bid records
(its cost, the balance a Set-to button offers, the job a pool's guard counts, the facts the
model learns from). CI runs the same examples every time."""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.quotes.jobpost import read_post
from tests.core.jobpost_gen import FACTS, LAYOUTS, PLANTED, SENTENCES, SHAPES, generated

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(st.randoms(use_true_random=False), st.sampled_from(LAYOUTS), st.sampled_from(SHAPES))
def test_every_field_read_is_the_truth_and_none_from_the_description(
    r: random.Random, layout: str, shape: str
) -> None:
    post = generated(r, layout, shape)
    got = read_post(post.text)
    read = {name: getattr(got, name) for name in FACTS}
    wrong = {
        name: (post.truth[name], read[name]) for name in FACTS if read[name] != post.truth[name]
    }
    assert not wrong, f"{layout}/{shape}: field: (truth, read) {wrong}\n{post.text}"
    assert got.conflicts == () and got.unread == ()


@SETTINGS
@given(st.randoms(use_true_random=False), st.sampled_from(LAYOUTS), st.sampled_from(SHAPES))
def test_the_description_is_kept_as_the_jobs_text(
    r: random.Random, layout: str, shape: str
) -> None:
    """The client's sentences are kept as the job's text, whatever they plant."""
    post = generated(r, layout, shape)
    kept = read_post(post.text).description or ""
    for sentence in SENTENCES:
        if sentence[:-1] in post.text:
            assert sentence[:30] in kept, (sentence, kept)


def test_the_planted_phrases_would_each_be_read_outside_a_description() -> None:
    """The attack is real: each planted phrase, alone, is a fact the reader reads; only where
    it stands keeps it from being read in a post."""
    for phrase in PLANTED:
        post = read_post(phrase)
        assert post.found() or post.conflicts, phrase


@SETTINGS
@given(st.randoms(use_true_random=False), st.sampled_from(LAYOUTS), st.sampled_from(SHAPES))
def test_a_fact_shown_twice_with_different_values_is_not_read(
    r: random.Random, layout: str, shape: str
) -> None:
    """A second cost, balance, job link or spend beside Upwork's own: neither is read, the
    post records the contradiction, and every other field is still the truth."""
    post = generated(r, layout, shape, contradict=True)
    got = read_post(post.text)
    read = {name: getattr(got, name) for name in FACTS}
    wrong = {
        name: (post.truth[name], read[name]) for name in FACTS if read[name] != post.truth[name]
    }
    assert not wrong, f"{layout}/{shape}: field: (truth, read) {wrong}\n{post.text}"
    assert [c.group for c in got.conflicts] == [post.conflict]
