"""Fixtures: a registry on each backend (`db_url`, in tests/conftest.py), a clock, a tamperer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine

from dockguard.registry import Registry

from .registry_samples import StepClock


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def registry(db_url: str, clock: StepClock) -> Iterator[Registry]:
    with Registry.open(db_url, now=clock) as opened:
        yield opened


@pytest.fixture
def outsider(db_url: str) -> Iterator[Callable[[Any], None]]:
    """Runs one statement on the registry's database behind its back, as a tamperer would."""
    engine = create_engine(db_url)

    def run(statement: Any) -> None:
        with engine.begin() as connection:
            connection.execute(statement)

    yield run
    engine.dispose()


@pytest.fixture
def trust_cli() -> Callable[..., Any]:
    """Runs `dockguard ARGS...` through CliRunner."""
    from click.testing import CliRunner

    from dockguard.cli import main

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run
