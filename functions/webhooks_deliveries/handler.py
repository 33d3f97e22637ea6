"""GET /v1/webhooks/{id}/deliveries"""

from promptvault.web.entry import entry

handler = entry("webhooks_deliveries")
