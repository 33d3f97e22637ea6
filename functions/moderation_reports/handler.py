"""GET /v1/moderation/reports"""

from promptvault.web.entry import entry

handler = entry("moderation_reports")
