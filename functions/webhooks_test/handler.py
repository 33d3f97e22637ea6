"""POST /v1/webhooks/{id}/test"""

from promptvault.web.entry import entry

handler = entry("webhooks_test")
