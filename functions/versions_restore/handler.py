"""POST /v1/prompts/{id}/versions/{n}/restore"""

from promptvault.web.entry import entry

handler = entry("versions_restore")
