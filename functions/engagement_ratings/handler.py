"""GET /v1/prompts/{id}/ratings"""

from promptvault.web.entry import entry

handler = entry("engagement_ratings")
