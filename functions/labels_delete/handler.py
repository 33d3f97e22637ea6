"""DELETE /v1/prompts/{id}/labels/{label}"""

from promptvault.web.entry import entry

handler = entry("labels_delete")
