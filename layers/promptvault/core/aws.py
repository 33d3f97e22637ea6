"""The container's AWS clients: one botocore session, one client per service, made once.

botocore directly, not boto3: a function pays for the service models it uses and not for
boto3's resource layer and s3transfer. pynamodb keeps its own connection (data/models.py).
After a SnapStart restore every client closes its connection pool (core/snapshot.py), so a
restored sandbox never writes into a socket that was open when the snapshot was taken.
"""

from __future__ import annotations

import threading
from typing import Any

from botocore.config import Config
from botocore.session import Session, get_session

from promptvault.core import snapshot
from promptvault.core.settings import get_settings

_lock = threading.Lock()
_session: Session | None = None
_clients: dict[str, Any] = {}


def session() -> Session:
    global _session
    with _lock:
        if _session is None:
            _session = get_session()
        return _session


# S3: SigV4 (pre-signed URLs included) and path-style addressing, which works for every
# bucket name and for the local runtime's moto server on 127.0.0.1 (imports/repository.py).
_CONFIGS: dict[str, Config] = {
    "s3": Config(signature_version="s3v4", s3={"addressing_style": "path"}),
}


def client(service: str) -> Any:
    """The client for ``service`` ("cognito-idp", "secretsmanager"), in the stage's region."""
    made = _clients.get(service)
    if made is None:
        made = session().create_client(
            service, region_name=get_settings().region, config=_CONFIGS.get(service)
        )
        with _lock:
            made = _clients.setdefault(service, made)
    return made


def forget_clients() -> None:
    """Drop every client (tests point the settings elsewhere; the next call makes new ones)."""
    with _lock:
        _clients.clear()


def close_connections() -> None:
    """Each client closes its pooled connections and opens new ones on its next call."""
    for made in list(_clients.values()):
        made.close()


snapshot.renew_after_restore(close_connections)
