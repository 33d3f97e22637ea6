"""POST /v1/prompts/{id}/fork"""

from promptvault.web.entry import entry

handler = entry("engagement_fork")
