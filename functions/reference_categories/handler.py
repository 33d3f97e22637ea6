"""GET /v1/categories"""

from promptvault.web.entry import entry

handler = entry("reference_categories")
