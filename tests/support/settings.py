"""A stage setting changed for one test: the environment, and the settings read again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock


@contextmanager
def stage_env(**values: str) -> Iterator[None]:
    from promptvault.core.settings import get_settings

    with mock.patch.dict(os.environ, values):
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()
