"""POST /v1/moderation/prompts/{id}/restore"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("moderation_restore")
