"""Fixtures shared by the evidence tests."""

from __future__ import annotations

import socket
import urllib.request

import pytest

S3_BUCKET = "evidence-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3(settings):
    """Default storage on an S3-compatible server (moto's, on a free local port) with nothing but an
    empty bucket ``S3_BUCKET``; yields a boto3 client for looking into the bucket."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets in process-wide state, shared by every server it starts: begin empty
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))  # noqa: S310
    try:
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=S3_BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": S3_BUCKET,
                    "endpoint_url": endpoint,
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": None,
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            },
        }
        yield client
    finally:
        server.stop()
