from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.aws import moto_aws


# One moto world per module: moto copies the whole table on every transaction, so a table
# shared by the whole session makes later writes ever slower and the worker's memory grow.
@pytest.fixture(autouse=True, scope="module")
def aws() -> Iterator[None]:
    with moto_aws():
        yield
