"""GET /v1/prompts/{id}/versions/{n}"""

from promptvault.web.entry import entry

handler = entry("versions_get")
