"""DELETE /v1/prompts/{id}"""

from promptvault.web.entry import entry

handler = entry("prompts_delete")
