"""POST /v1/prompts/{id}/copies"""

from promptvault.web.entry import entry

handler = entry("engagement_copy")
