"""POST /v1/moderation/prompts/{id}/archive"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("moderation_archive")
