"""POST /v1/prompts/{id}/views"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("engagement_view")
