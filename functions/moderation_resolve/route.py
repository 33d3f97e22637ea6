from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.reports import service
from promptvault.reports.schemas import Resolution, ResolveRequest
from promptvault.web.responses import Endpoint, ok


def resolve_report(id: str, body: ResolveRequest) -> Response[str]:
    """Moderators and admins: apply ``action`` to the report's target (dismiss: nothing, and a
    prompt hidden by reports is shown again; hide: others stop seeing it; remove: it is
    deleted; restore: a moderator's hide or archive is undone), close every open report of
    that target, record the action and why; each reporter learns the outcome. A user report
    is dismissed (a person is acted on through their content)."""
    done = service.resolve(require_caller(), id, body.action, body.note)
    out = Resolution(
        target_type=done.target_type,
        target_id=done.target_id,
        action=body.action,
        resolved=done.count,
        note=done.note,
    )
    return ok(out)


endpoint = Endpoint(resolve_report, Resolution, errors=(401, 403, 404, 409, 413))
