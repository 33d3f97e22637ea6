"""GET /v1/prompts/{id}/versions"""

from promptvault.web.entry import entry

handler = entry("versions_list")
