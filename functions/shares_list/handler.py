"""GET /v1/prompts/{id}/shares"""

from promptvault.web.entry import entry

handler = entry("shares_list")
