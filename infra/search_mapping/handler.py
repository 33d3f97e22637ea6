"""Custom-resource handler: map Lambda roles to OpenSearch fine-grained-access roles.

Runs under ``custom_resources.Provider`` (``on_event``). It assumes the domain's master
role (``SearchAdminRoleArn``), the only identity FGAC lets change security settings, then
SigV4-signs (service ``es``) PUTs to the security plugin's REST API:

1. ``_plugins/_security/api/roles/<name>`` for each OpenSearch role (index permissions on
   the prompts index), then
2. ``_plugins/_security/api/rolesmapping/<name>`` with ``{"backend_roles": [role ARNs]}``.

PUT replaces, so Create and Update are the same idempotent call. Delete does nothing: the
mappings die with the domain, and removing them earlier would cut live functions off.
Standard library and boto3/botocore only (the Lambda runtime's own).
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SECURITY_API = "_plugins/_security/api"


def on_event(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    props = event["ResourceProperties"]
    physical_id = event.get("PhysicalResourceId") or f"rolesmapping-{props['Endpoint']}"
    if event["RequestType"] == "Delete":
        return {"PhysicalResourceId": physical_id}
    credentials = _assume(props["MasterRoleArn"])
    region = os.environ.get("AWS_REGION", "us-east-1")
    for name, spec in props["Roles"].items():
        role = {"cluster_permissions": spec.get("ClusterPermissions", [])}
        role["index_permissions"] = [
            {"index_patterns": spec["IndexPatterns"], "allowed_actions": spec["AllowedActions"]}
        ]
        _put(props["Endpoint"], f"roles/{name}", role, credentials, region)
        mapping = {"backend_roles": sorted(set(spec["BackendRoles"]))}
        _put(props["Endpoint"], f"rolesmapping/{name}", mapping, credentials, region)
    return {"PhysicalResourceId": physical_id}


def _assume(role_arn: str) -> Credentials:
    found = boto3.client("sts").assume_role(
        RoleArn=role_arn, RoleSessionName="promptvault-search-mapping"
    )["Credentials"]
    return Credentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"])


def _put(
    endpoint: str, path: str, body: dict[str, Any], credentials: Credentials, region: str
) -> None:
    url = f"https://{endpoint}/{SECURITY_API}/{path}"
    data = json.dumps(body).encode()
    request = AWSRequest(
        method="PUT", url=url, data=data, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(credentials, "es", region).add_auth(request)
    prepared = urllib.request.Request(
        url, data=data, headers=dict(request.headers.items()), method="PUT"
    )
    with urllib.request.urlopen(prepared, timeout=30) as response:  # noqa: S310 (https only)
        if response.status >= 300:
            raise RuntimeError(f"PUT {path}: {response.status} {response.read()!r}")
