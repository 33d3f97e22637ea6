"""GET /v1/prompts/{id}/versions/{n}"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("versions_get")
