"""POST /v1/webhooks"""

from promptvault.web.entry import entry

handler = entry("webhooks_create")
