"""Import quick responses into Amazon Q in Connect from a CSV file, run under the mocks.

The program is what a user writes against AWS: create a QUICK_RESPONSES knowledge base and
wait until it is ACTIVE, ask for an upload URL (StartContentUpload), PUT the CSV to it with
`requests` and the headers AWS asks for, start the import job, poll GetImportJob every 10
seconds until it ends, download the failed-record report if there is one, then read what the
import created: every quick response (ListQuickResponses, page by page), a search for what a
customer asks (SearchQuickResponses), and one of them in full (GetQuickResponse).

`main()` runs it under moto (the rest of AWS) and importmock (Q in Connect, its upload URL
included), with `sleep="advance"`: the unmodified `time.sleep` calls move importmock's clock
instead of waiting, so the 3 minutes the import takes pass at once.

    pip install 'importmock[moto]' requests
    python examples/qconnect_quick_responses.py
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import boto3
import requests
from moto import mock_aws

from importmock import mock_imports

REGION = "us-east-1"
QUICK_RESPONSES = [  # name, content type, content, shortcut key, channels
    (
        "Greeting",
        "plain",
        "Hello! Thanks for contacting us. How can I help you today?",
        "hello",
        "Chat;Email",
    ),
    (
        "Refund timeline",
        "markdown",
        "Refunds reach your account within **5 business days**.",
        "refund",
        "Chat;Email",
    ),
    ("Refund policy", "plain", "You can ask for a refund within 30 days of delivery.", "policy", "Email"),
    ("Closing", "plain", "Is there anything else I can help you with?", "close", "Chat"),
    ("Escalation", "html", "<p>I am passing you to a specialist.</p>", "escalate", "Chat"),  # no such type
]


def quick_responses_csv() -> bytes:
    """The file to import: a header row, then one quick response a row."""
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["Name", "Content type", "Content", "Shortcut key", "Channels"])
    rows.writerows(QUICK_RESPONSES)
    return out.getvalue().encode()


def create_knowledge_base(qconnect: Any, name: str, every: int = 15) -> str:
    """A QUICK_RESPONSES knowledge base, once it is ACTIVE; its id."""
    created = qconnect.create_knowledge_base(name=name, knowledgeBaseType="QUICK_RESPONSES")
    knowledge_base: str = created["knowledgeBase"]["knowledgeBaseId"]
    while qconnect.get_knowledge_base(knowledgeBaseId=knowledge_base)["knowledgeBase"]["status"] != "ACTIVE":
        time.sleep(every)
    return knowledge_base


def upload(qconnect: Any, knowledge_base: str, body: bytes) -> str:
    """PUT the file to a fresh upload URL; the upload's id for StartImportJob."""
    target = qconnect.start_content_upload(knowledgeBaseId=knowledge_base, contentType="text/csv")
    answer = requests.put(target["url"], data=body, headers=target["headersToInclude"], timeout=60)
    answer.raise_for_status()
    upload_id: str = target["uploadId"]
    return upload_id


def import_quick_responses(
    qconnect: Any, knowledge_base: str, upload_id: str, every: int = 10
) -> tuple[dict[str, Any], int]:
    """Start the import job and poll it until it ends; the job's last description and the number of polls."""
    job_id = qconnect.start_import_job(
        knowledgeBaseId=knowledge_base, importJobType="QUICK_RESPONSES", uploadId=upload_id
    )["importJob"]["importJobId"]
    polls = 0
    while True:
        polls += 1
        job: dict[str, Any] = qconnect.get_import_job(knowledgeBaseId=knowledge_base, importJobId=job_id)[
            "importJob"
        ]
        if job["status"] != "START_IN_PROGRESS":
            return job, polls
        time.sleep(every)


def failed_records(job: dict[str, Any]) -> list[dict[str, str]]:
    """The rows the import could not take, with the reason, from the job's report (none if it has none)."""
    if "failedRecordReport" not in job:
        return []
    report = requests.get(job["failedRecordReport"], timeout=60)
    report.raise_for_status()
    return list(csv.DictReader(io.StringIO(report.text)))


def all_quick_responses(qconnect: Any, knowledge_base: str) -> list[dict[str, Any]]:
    """Every quick response of the knowledge base, page by page."""
    found: list[dict[str, Any]] = []
    for page in qconnect.get_paginator("list_quick_responses").paginate(knowledgeBaseId=knowledge_base):
        found.extend(page["quickResponseSummaries"])
    return found


def suggest(qconnect: Any, knowledge_base: str, words: str, channel: str) -> list[dict[str, Any]]:
    """The quick responses an agent on `channel` is offered for what the customer wrote, best first."""
    results: list[dict[str, Any]] = qconnect.search_quick_responses(
        knowledgeBaseId=knowledge_base,
        searchExpression={
            "queries": [
                {"name": "name", "values": [words], "operator": "CONTAINS_AND_PREFIX", "priority": "HIGH"},
                {"name": "content", "values": [words], "operator": "CONTAINS_AND_PREFIX", "priority": "LOW"},
            ],
            "filters": [{"name": "channels", "values": [channel], "operator": "EQUALS"}],
        },
    )["results"]
    return results


def main() -> None:
    with mock_aws(), mock_imports(durations={"qconnect:import-job": 3 * 60}, sleep="advance") as mock:
        began = mock.clock.now()
        qconnect = boto3.client("qconnect", region_name=REGION)
        knowledge_base = create_knowledge_base(qconnect, "support-answers")
        print(f"knowledge base ACTIVE after {mock.clock.now() - began}")

        upload_id = upload(qconnect, knowledge_base, quick_responses_csv())
        job, polls = import_quick_responses(qconnect, knowledge_base, upload_id)
        print(f"import job {job['status']} after {polls} polls")
        for record in failed_records(job):
            print(f"  not imported: {record['Name']}: {record['errorMessage']}")

        listed = all_quick_responses(qconnect, knowledge_base)
        print(f"{len(listed)} quick responses:")
        for summary in listed:
            print(
                f"  {summary['name']} ({summary['contentType']}, {summary['status']}) {summary['channels']}"
            )

        offered = suggest(qconnect, knowledge_base, "refund", channel="Chat")
        print("offered on Chat for 'refund':", [result["name"] for result in offered])
        detail = qconnect.get_quick_response(
            knowledgeBaseId=knowledge_base, quickResponseId=offered[0]["quickResponseId"]
        )["quickResponse"]
        print(f"  /{detail['shortcutKey']}: {detail['contents']['plainText']['content']}")
        print(f"time.sleep moved the mock clock by {mock.clock.now() - began}")


if __name__ == "__main__":
    main()
