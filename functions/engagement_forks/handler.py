"""GET /v1/prompts/{id}/forks"""

from promptvault.web.entry import entry

handler = entry("engagement_forks")
