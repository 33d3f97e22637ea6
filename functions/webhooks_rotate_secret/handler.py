"""POST /v1/webhooks/{id}/rotate-secret"""

from promptvault.web.entry import entry

handler = entry("webhooks_rotate_secret")
