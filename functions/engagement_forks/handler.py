"""GET /v1/prompts/{id}/forks"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("engagement_forks")
