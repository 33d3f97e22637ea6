"""PUT /v1/prompts/{id}/rating"""

from promptvault.web.entry import entry

handler = entry("engagement_rate")
