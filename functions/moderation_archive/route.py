from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.moderation import service
from promptvault.moderation.schemas import ModerationOut, ModerationRequest
from promptvault.web.responses import Endpoint, ok


def archive_prompt(id: str, body: ModerationRequest) -> Response[str]:
    """Moderators and admins: the prompt leaves the feed; the action and reason are kept."""
    record = service.archive(require_caller(), id, body.reason)
    return ok(service.action_out(record), status=201)


endpoint = Endpoint(archive_prompt, ModerationOut, 201, errors=(401, 403, 404))
