"""POST /v1/workspaces"""

from promptvault.web.entry import entry

handler = entry("workspaces_create")
