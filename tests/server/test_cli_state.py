"""`importmock server --state FILE` with a file that is no snapshot: a one-line error, exit status 2."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from importmock import cli


def _bad_record(tmp_path: Path) -> Path:
    job = {
        "$class": "importmock.services.forecast.dataset_import_jobs:DatasetImportJob",
        "id": "arn:aws:forecast:us-east-1:123456789012:dataset-import-job/sales/daily",
        "arn": "arn:aws:forecast:us-east-1:123456789012:dataset-import-job/sales/daily",
        "key": {"$tuple": [1714978800000000, 1]},
        "name": "daily",
        "dataset_arn": "arn:aws:forecast:us-east-1:123456789012:dataset/sales",
        "request": {"DatasetImportJobName": "daily", "DatasetArn": "x", "DataSource": 7},
        "progress": {
            "$class": "importmock.jobs.lifecycle:Progress",
            "family": {"$family": "forecast:dataset-import-job"},
            "started": {"$datetime": "2024-05-06T07:00:00Z"},
            "due": None,
        },
        "tags": {},
    }
    backend = {
        "backend": "importmock.services.forecast.dataset_import_jobs:DatasetImportJobs",
        "account_id": "123456789012",
        "region": "us-east-1",
        "state": {"_jobs": [job]},
    }
    document = {"importmock_snapshot": 1, "clock": "2024-05-06T08:00:00Z", "backends": [backend]}
    path = tmp_path / "state.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.json", r"snapshot \S+missing\.json cannot be read: No such file"),
        (lambda tmp: tmp, r"cannot be read: Is a directory"),
        (_bad_record, r"DatasetImportJob \S+: its request is no CreateDatasetImportJob input: .*dataSource"),
    ],
    ids=["missing", "directory", "wrong-type-in-a-job"],
)
def test_server_state_option_not_a_snapshot_exits_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)

    status = cli.main(["server", "--port", "0", "--state", str(path)])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("importmock: ") and err.count("\n") == 1, err
    assert "[Errno" not in err
    assert re.search(message, err), err
