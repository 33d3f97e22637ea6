"""GET /v1/imports/{id}"""

from promptvault.web.entry import entry

handler = entry("imports_get")
