"""POST /v1/moderation/prompts/{id}/archive"""

from promptvault.web.entry import entry

handler = entry("moderation_archive")
