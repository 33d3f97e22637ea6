from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.prompts import shares
from promptvault.prompts.schemas import ShareCreate, ShareCreated
from promptvault.prompts.views import share_out
from promptvault.web.responses import Endpoint, ok


def create_share(id: str, body: ShareCreate) -> Response[str]:
    """A link that shows your prompt to anyone who holds it, without signing in, until it
    expires (7 days unless you say otherwise, 365 at most), is revoked or has answered
    ``maxViews`` times. The token is in this answer only."""
    share, token = shares.create_share(require_caller(), id, body.expires_at, body.max_views)
    out = ShareCreated(
        **share_out(share, "active").model_dump(), token=token, url=shares.link_of(token)
    )
    return ok(out, status=201, headers={"Cache-Control": "no-store"})


endpoint = Endpoint(create_share, ShareCreated, 201, errors=(401, 403, 404, 409, 413))
