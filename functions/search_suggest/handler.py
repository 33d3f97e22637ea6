"""GET /v1/search/suggest"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("search_suggest")
