"""POST /v1/prompts/{id}/views"""

from promptvault.web.entry import entry

handler = entry("engagement_view")
