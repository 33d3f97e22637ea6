"""POST /v1/prompts/{id}/copies"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("engagement_copy")
