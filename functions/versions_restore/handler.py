"""POST /v1/prompts/{id}/versions/{n}/restore"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("versions_restore")
