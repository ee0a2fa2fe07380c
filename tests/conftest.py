"""Fixtures shared by the test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contract_helpers import Cli
from cxzy.application.app import open_app
from cxzy.application.importer import Importer
from cxzy.application.store import StoreLocation
from cxzy.formats.jsonl import read_records

EVENTS = Path(__file__).resolve().parents[1] / "events"


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch) -> None:
    """Tests choose the language themselves: a developer's $CXZY_LANG is not theirs."""
    monkeypatch.delenv("CXZY_LANG", raising=False)


@pytest.fixture(autouse=True)
def _templates_of_the_tests_own(monkeypatch, tmp_path) -> None:
    """Templates only where a test puts them: not a developer's $CXZY_TEMPLATES or
    per-user folder, which may hold a file of a built-in template's key."""
    monkeypatch.delenv("CXZY_TEMPLATES", raising=False)
    monkeypatch.setattr(
        "cxzy.application.templates.user_templates_folder", lambda: tmp_path / "no-templates"
    )


@pytest.fixture
def cli(capsys, tmp_path) -> Cli:
    """The command line, run in-process against a store in ``tmp_path``."""
    return Cli(capsys, tmp_path)


def load_demo_into(path: Path) -> Path:
    """A store at ``path`` holding the demo history."""
    app = open_app(StoreLocation("sqlite", str(path)), create=True)
    result = Importer(app).run(read_records(EVENTS / "demo.jsonl"))
    assert result.ok, result.problems[:3]
    app.close()
    return path


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    """The demo history in a store shared by a module's tests (which must not write)."""
    return load_demo_into(tmp_path_factory.mktemp("demo") / "demo.sqlite3")


@pytest.fixture
def store(demo_store, tmp_path) -> Path:
    """A private copy of the demo store, for tests that write."""
    copy = tmp_path / "store.sqlite3"
    shutil.copy(demo_store, copy)
    return copy
