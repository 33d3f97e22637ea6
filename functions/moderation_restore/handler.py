"""POST /v1/moderation/prompts/{id}/restore"""

from promptvault.web.entry import entry

handler = entry("moderation_restore")
