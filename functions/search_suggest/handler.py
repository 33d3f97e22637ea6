"""GET /v1/search/suggest"""

from promptvault.web.entry import entry

handler = entry("search_suggest")
