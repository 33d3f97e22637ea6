"""GET /v1/prompts/{id}/labels"""

from promptvault.web.entry import entry

handler = entry("labels_list")
