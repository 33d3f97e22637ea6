"""GET /v1/prompts/{id}/diff"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("prompts_diff")
