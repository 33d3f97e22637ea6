"""GET /v1/shared/{token}"""

from promptvault.web.entry import entry

handler = entry("shared_get")
