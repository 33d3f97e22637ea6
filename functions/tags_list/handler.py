"""GET /v1/tags"""

from promptvault.web.entry import entry

handler = entry("tags_list")
