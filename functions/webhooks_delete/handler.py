"""DELETE /v1/webhooks/{id}"""

from promptvault.web.entry import entry

handler = entry("webhooks_delete")
