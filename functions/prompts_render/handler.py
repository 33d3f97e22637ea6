"""POST /v1/prompts/{id}/render"""

from promptvault.web.entry import entry

handler = entry("prompts_render")
