"""PATCH /v1/prompts/{id}"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("prompts_update")
