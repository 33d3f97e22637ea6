from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.email import service
from promptvault.email.schemas import PreferencesOut
from promptvault.web.responses import Endpoint, ok


def get_preferences() -> Response[str]:
    """Every event type that notifies, with what the caller chose or its default."""
    return ok(service.my_preferences(require_caller()))


endpoint = Endpoint(get_preferences, PreferencesOut, errors=(401,))
