"""POST /v1/moderation/reports/{id}/resolve"""

from promptvault.web.entry import entry

handler = entry("moderation_resolve")
