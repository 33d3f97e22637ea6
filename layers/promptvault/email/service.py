"""The notification preference endpoints: one's own preferences, read and changed."""

from __future__ import annotations

from promptvault.core.caller import Caller
from promptvault.email import preferences
from promptvault.email.schemas import PreferenceOut, PreferencesOut, PreferencesUpdate


def preferences_out(chosen: preferences.Preferences) -> PreferencesOut:
    return PreferencesOut(
        preferences={
            category: PreferenceOut(in_app=choice.in_app, email=choice.email)
            for category, choice in chosen.by_type.items()
        }
    )


def my_preferences(caller: Caller) -> PreferencesOut:
    return preferences_out(preferences.load(caller.user_id))


def change_preferences(caller: Caller, body: PreferencesUpdate) -> PreferencesOut:
    changes: dict[str, preferences.Change] = {
        category: preferences.Change(in_app=change.in_app, email=change.email)
        for category, change in body.preferences.items()
    }
    return preferences_out(preferences.update(caller.user_id, changes))
