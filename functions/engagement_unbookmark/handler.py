"""DELETE /v1/prompts/{id}/bookmark"""

from promptvault.web.entry import entry

handler = entry("engagement_unbookmark")
