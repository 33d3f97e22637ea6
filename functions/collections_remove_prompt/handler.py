"""DELETE /v1/collections/{id}/prompts/{promptId}"""

from promptvault.web.entry import entry

handler = entry("collections_remove_prompt")
