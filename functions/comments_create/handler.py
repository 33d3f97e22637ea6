"""POST /v1/prompts/{id}/comments"""

from promptvault.web.entry import entry

handler = entry("comments_create")
