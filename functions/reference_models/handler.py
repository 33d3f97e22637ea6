"""GET /v1/models"""

from promptvault.web.entry import entry

handler = entry("reference_models")
