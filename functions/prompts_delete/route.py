from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.prompts import service
from promptvault.web.responses import documented, no_content

router = Router()


@router.delete(
    "/v1/prompts/<id>", responses=documented(None, 204, errors=(401, 404)), tags=["prompts"]
)
def delete_prompt(id: str) -> Response[str]:
    service.delete_prompt(require_caller(), id)
    return no_content()
