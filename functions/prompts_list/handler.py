"""GET /v1/prompts"""

from promptvault.web.entry import entry

handler = entry("prompts_list")
