from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.reference import models
from promptvault.reference.schemas import ModelOut
from promptvault.web.responses import documented, ok

router = Router()


@router.get("/v1/models", responses=documented(list[ModelOut]), tags=["reference"])
def list_models() -> Response[str]:
    return ok(list(models()), headers={"Cache-Control": "public, max-age=3600"})
