"""GET /v1/tags/popular"""

from promptvault.web.entry import entry

handler = entry("tags_popular")
