"""schemathesis hooks for tests/e2e/test_schemathesis.py (loaded through ``SCHEMATHESIS_HOOKS``).

The export's yaml is a YAML stream, one document per prompt (GitHub Models' ``.prompt.yml``):
RFC 9512 lets ``application/yaml`` carry several documents, and the API document declares it
as a list of objects. schemathesis reads a YAML answer as one document, so a stream of two
failed to parse and showed as a response that violates its schema. Read here as every
document of the stream, in order, with the same safe loader the import uses.
"""

from __future__ import annotations

from typing import Any

import schemathesis
import yaml
from schemathesis.core.media_types import YAML_MEDIA_TYPES

# Every YAML media type is replaced: schemathesis takes the first registered one of the family,
# so registering application/yaml alone would leave its own reader in front.


@schemathesis.deserializer(*YAML_MEDIA_TYPES)
def yaml_stream(_context: Any, response: Any) -> list[Any]:
    text = response.content.decode(response.encoding or "utf-8")
    return [document for document in yaml.safe_load_all(text) if document is not None]
