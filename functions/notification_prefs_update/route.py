from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.email import service
from promptvault.email.schemas import PreferencesOut, PreferencesUpdate
from promptvault.web.responses import Endpoint, ok


def update_preferences(body: PreferencesUpdate) -> Response[str]:
    """Changes the types sent, each field sent; answers every type as now stored."""
    return ok(service.change_preferences(require_caller(), body))


endpoint = Endpoint(update_preferences, PreferencesOut, errors=(401, 409))
