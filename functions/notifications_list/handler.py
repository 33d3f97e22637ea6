"""GET /v1/users/me/notifications"""

from promptvault.web.entry import entry

handler = entry("notifications_list")
