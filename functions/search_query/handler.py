"""GET /v1/search"""

from promptvault.web.entry import entry

handler = entry("search_query")
