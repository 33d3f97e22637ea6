"""GET /v1/moderation/actions"""

from promptvault.web.entry import entry

handler = entry("moderation_actions")
