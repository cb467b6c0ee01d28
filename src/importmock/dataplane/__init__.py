"""The data plane: the S3, DynamoDB and CloudWatch Logs a job's work reads and writes.

importmock never implements those services: a job reaches them through ordinary botocore
clients, as an AWS service would. In process they are moto's, while moto's `mock_aws` is
active (the clients' requests go to moto's stubber like any test's); in server mode they are
the servers named by endpoint URLs (moto's server, LocalStack, MinIO). With neither, there is
no data plane and jobs keep their invented outcomes. This package may import `patching` and
the layers below it (to send past importmock's own patch), never `services` or above.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

from importmock.patching import moto, registry

# the services a job's work reaches, and the endpoint option naming each in server mode
SERVICES = ("s3", "dynamodb", "logs")


class DataPlane:
    """Clients of the data plane, one per service and region, made on first use.

    Args:
        endpoints: service -> endpoint URL of an upstream server (``{"s3": "http://..."}``);
            a service without one falls back to the DynamoDB endpoint for CloudWatch Logs
            (moto's server and LocalStack serve every service on one port). None: moto in
            process, while its mock is active.
    """

    def __init__(self, endpoints: Mapping[str, str] | None = None) -> None:
        self._endpoints = dict(endpoints or {})
        for service, url in self._endpoints.items():  # here, not in the middle of a job's work
            if not is_endpoint(url):
                raise ValueError(f"{service}_endpoint_url: not an http(s) URL with a host: {url!r}")
        self._clients: dict[tuple[str, str], Any] = {}
        self._session: botocore.session.Session | None = None
        self._lock = threading.Lock()

    @property
    def upstream(self) -> bool:
        """Whether the data plane is a server's (endpoint URLs), not moto's in process."""
        return bool(self._endpoints)

    def available(self) -> bool:
        """Whether jobs can do their work now: an upstream, or moto's mock active."""
        return self.upstream or moto.active_stubber() is not None

    def client(self, service: str, region: str) -> Any | None:
        """A botocore client of `service` in `region`, or None when there is no data plane."""
        if not self.available():
            return None
        key = (service, region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._clients[key] = self._new_client(service, region)
        return found

    def _new_client(self, service: str, region: str) -> Any:
        if self._session is None:  # made late: a session made after moto's import carries its hook
            self._session = botocore.session.get_session()
        endpoint = self._endpoints.get(service) or (
            self._endpoints.get("dynamodb") if service == "logs" else None
        )
        if self.upstream and endpoint is None:
            endpoint = next(iter(self._endpoints.values()))
        config = Config(
            # the requests are importmock's own, made from data already read: botocore's
            # check of each BatchWriteItem was a fifth of an import's time
            parameter_validation=False,
            retries={"mode": "standard", "total_max_attempts": 3},
            s3={"addressing_style": "path"},  # MinIO and moto's server by name, no DNS
        )
        client = self._session.create_client(
            service,
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=registry.FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=registry.FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=config,
        )
        if self.upstream:  # an active mock in this process must let these go to the server
            client.meta.events.register("before-send", registry.send_directly)
        return client


def is_endpoint(url: str) -> bool:
    """Whether botocore can send to `url`: http(s), a host it accepts, a port in range.

    botocore checks the host only when a client is made, in the middle of a job's work.
    """
    parts = urllib.parse.urlsplit(url)
    try:
        parts.port  # noqa: B018 - reading it checks the port: a ValueError if out of range
    except ValueError:
        return False
    valid = is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)
    return parts.scheme in ("http", "https") and bool(valid)
