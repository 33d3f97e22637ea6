"""GET /v1/users/me/notification-preferences"""

from promptvault.web.entry import entry

handler = entry("notification_prefs_get")
