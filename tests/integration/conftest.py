from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.aws import moto_aws


@pytest.fixture(autouse=True, scope="session")
def aws() -> Iterator[None]:
    with moto_aws():
        yield
