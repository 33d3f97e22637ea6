"""GET /v1/models"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("reference_models")
