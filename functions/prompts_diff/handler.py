"""GET /v1/prompts/{id}/diff"""

from promptvault.web.entry import entry

handler = entry("prompts_diff")
