"""PUT /v1/collections/{id}/prompts/{promptId}"""

from promptvault.web.entry import entry

handler = entry("collections_put_prompt")
