"""GET /v1/prompts/{id}/ratings"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("engagement_ratings")
