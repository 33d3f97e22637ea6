"""GET /v1/imports/{id}/rows"""

from promptvault.web.entry import entry

handler = entry("imports_rows")
