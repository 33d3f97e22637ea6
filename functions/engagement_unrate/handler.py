"""DELETE /v1/prompts/{id}/rating"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("engagement_unrate")
