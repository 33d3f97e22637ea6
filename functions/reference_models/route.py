from aws_lambda_powertools.event_handler import Response

from promptvault.reference import models
from promptvault.reference.schemas import ModelOut
from promptvault.web.responses import Endpoint, ok


def list_models() -> Response[str]:
    return ok(list(models()), headers={"Cache-Control": "public, max-age=3600"})


endpoint = Endpoint(list_models, list[ModelOut])
