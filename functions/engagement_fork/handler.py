"""POST /v1/prompts/{id}/fork"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("engagement_fork")
