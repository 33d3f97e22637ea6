from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.reference import categories
from promptvault.reference.schemas import CategoryOut
from promptvault.web.responses import documented, ok

router = Router()


@router.get("/v1/categories", responses=documented(list[CategoryOut]), tags=["reference"])
def list_categories() -> Response[str]:
    return ok(list(categories()), headers={"Cache-Control": "public, max-age=3600"})
