"""Amazon Q in Connect: import jobs of knowledge bases."""

from __future__ import annotations

from importmock.core.service import Service

SERVICE = Service(name="qconnect", backends=(), namespace="", signing_name="wisdom")
