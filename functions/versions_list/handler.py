"""GET /v1/prompts/{id}/versions"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("versions_list")
