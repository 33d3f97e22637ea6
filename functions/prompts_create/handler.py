"""POST /v1/prompts"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("prompts_create")
