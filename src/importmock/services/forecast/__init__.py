"""Amazon Forecast: dataset import jobs."""

from __future__ import annotations

from importmock.core.service import Service

SERVICE = Service(name="forecast", backends=(), namespace="com.amazonaws.forecast")
