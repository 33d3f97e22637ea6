"""GET /v1/workspaces/{id}"""

from promptvault.web.entry import entry

handler = entry("workspaces_get")
