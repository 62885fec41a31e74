"""Each test owns its randomness: the same data whichever tests ran before it."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator seeded afresh for every test."""
    return np.random.default_rng(7)
