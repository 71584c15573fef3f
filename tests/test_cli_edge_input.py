"""Odd but possible CLI input answers in one line, never a traceback: the same actor at both ends
of `kb graph path`, ids beyond 64 bits, names with quotes in a suggested command."""

from __future__ import annotations

import shlex

import pytest
from conftest import kb_cli
from sample_kb import sample_kb_url  # noqa: F401 (fixture)

HUGE = str(10**30)


@pytest.fixture
def kb(sample_kb_url, monkeypatch):  # noqa: F811
    return kb_cli(sample_kb_url, monkeypatch)


def test_path_from_an_actor_to_itself(kb):
    r = kb("graph", "path", "Russia", "Moscow")  # an alias of the same actor
    assert "name the same actor" in r.stderr and r.exception is None


@pytest.mark.parametrize("args, code", [
    (("show-statement", HUGE), 1), (("show-document", HUGE), 1), (("statements", "--cursor", HUGE), 0),
    (("statements", "--document", HUGE), 0), (("documents", "--cursor", HUGE), 0),
    (("statements", "--cursor", "-" + HUGE), 0),
])
def test_ids_beyond_64_bits(kb, args, code):
    r = kb(*args, code=code)
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_suggested_merge_command_quotes_names_as_the_shell_reads_them(kb):
    odd = 'Syrian "Free" Coalition $HOME \\ it\'s'
    kb("actors", "rename", "Syrian Coalition", odd)
    r = kb("actors", "rename", odd, "Russia", code=1)
    command = r.stderr.split("`")[1]
    assert shlex.split(command) == ["kb", "actors", "merge", odd, "Russia"]
