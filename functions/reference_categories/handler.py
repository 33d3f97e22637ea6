"""GET /v1/categories"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("reference_categories")
