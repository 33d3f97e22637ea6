"""DELETE /v1/prompts/{id}/bookmark"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("engagement_unbookmark")
