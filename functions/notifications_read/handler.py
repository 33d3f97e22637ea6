"""POST /v1/users/me/notifications/read"""

from promptvault.web.entry import entry

handler = entry("notifications_read")
