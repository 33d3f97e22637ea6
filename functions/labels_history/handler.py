"""GET /v1/prompts/{id}/labels/{label}/history"""

from promptvault.web.entry import entry

handler = entry("labels_history")
