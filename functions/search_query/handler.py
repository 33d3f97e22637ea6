"""GET /v1/search"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("search_query")
