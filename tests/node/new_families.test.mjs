// The families and parent resources of issues 15 and 16, driven by the AWS SDK for JavaScript v3
// against a running `importmock server` (IMPORTMOCK_URL; .ci/run starts one with --duration 60),
// each test in an account of its own.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DURATION, REGION, client, control, newAccount, rejection } from "./support.mjs";

import {
  CreateEventDataStoreCommand,
  CloudTrailClient,
  DeleteEventDataStoreCommand,
  EventDataStoreTerminationProtectedException,
  GetEventDataStoreCommand,
  ListEventDataStoresCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  CancelBulkOperationCommand,
  DescribeBulkOperationCommand,
  DynamoDBClient,
  ListBulkOperationsCommand,
  StartBulkPutItemsCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateForecastExportJobCommand,
  DeleteForecastExportJobCommand,
  DescribeForecastExportJobCommand,
  ForecastClient,
  ListForecastExportJobsCommand,
  ResourceInUseException,
} from "@aws-sdk/client-forecast";
import {
  CreateKnowledgeBaseCommand,
  GetKnowledgeBaseCommand,
  ListKnowledgeBasesCommand,
  QConnectClient,
} from "@aws-sdk/client-qconnect";

test("DynamoDB bulk operations: start, describe, list, cancel", async () => {
  const ddb = client(DynamoDBClient, newAccount());
  const request = {
    TableName: "orders",
    InputS3Configuration: { S3Bucket: "bulk-input", InputFormat: "DYNAMODB_JSON" },
    OutputS3Configuration: { S3Bucket: "bulk-output", OutputType: ["ERROR"] },
  };
  const first = (await ddb.send(new StartBulkPutItemsCommand(request))).BulkOperationDescription;
  const second = (await ddb.send(new StartBulkPutItemsCommand(request))).BulkOperationDescription;
  assert.equal(first.BulkOperationStatus, "IN_PROGRESS");
  const cancelled = await ddb.send(new CancelBulkOperationCommand({ BulkOperationArn: second.BulkOperationArn }));
  assert.equal(cancelled.BulkOperationStatus, "CANCELLING");

  await control("clock/advance", { seconds: DURATION });
  const done = await ddb.send(new DescribeBulkOperationCommand({ BulkOperationArn: first.BulkOperationArn }));
  assert.equal(done.BulkOperationDescription.BulkOperationStatus, "COMPLETED");
  const listed = await ddb.send(new ListBulkOperationsCommand({}));
  assert.deepEqual(
    listed.BulkOperationsSummaryList.map((s) => s.BulkOperationArn).sort(),
    [first.BulkOperationArn, second.BulkOperationArn].sort(),
  );
});

test("Forecast export jobs: create, describe, list, delete", async () => {
  const account = newAccount();
  const forecast = client(ForecastClient, account);
  const created = await forecast.send(
    new CreateForecastExportJobCommand({
      ForecastExportJobName: "nightly",
      ForecastArn: `arn:aws:forecast:${REGION}:${account}:forecast/sales`,
      Destination: { S3Config: { Path: "s3://exports/out/", RoleArn: `arn:aws:iam::${account}:role/r` } },
    }),
  );
  const arn = created.ForecastExportJobArn;
  const running = await forecast.send(new DescribeForecastExportJobCommand({ ForecastExportJobArn: arn }));
  assert.ok(["CREATE_PENDING", "CREATE_IN_PROGRESS"].includes(running.Status));
  await rejection(forecast.send(new DeleteForecastExportJobCommand({ ForecastExportJobArn: arn })), ResourceInUseException);

  await control("finish", { job: arn });
  const listed = await forecast.send(new ListForecastExportJobsCommand({}));
  assert.deepEqual(listed.ForecastExportJobs.map((j) => [j.ForecastExportJobArn, j.Status]), [[arn, "ACTIVE"]]);
  await forecast.send(new DeleteForecastExportJobCommand({ ForecastExportJobArn: arn }));
});

test("CloudTrail event data stores: create, get, list, protected from deletion", async () => {
  const trail = client(CloudTrailClient, newAccount());
  const created = await trail.send(new CreateEventDataStoreCommand({ Name: "imported-events" }));
  assert.equal(created.Status, "CREATED");
  assert.equal(created.TerminationProtectionEnabled, true);
  const store = await trail.send(new GetEventDataStoreCommand({ EventDataStore: created.EventDataStoreArn }));
  assert.equal(store.Status, "ENABLED");
  const listed = await trail.send(new ListEventDataStoresCommand({}));
  assert.deepEqual(listed.EventDataStores.map((s) => s.Name), ["imported-events"]);
  await rejection(
    trail.send(new DeleteEventDataStoreCommand({ EventDataStore: created.EventDataStoreArn })),
    EventDataStoreTerminationProtectedException,
  );
});

test("Q in Connect knowledge bases: create, get, list", async () => {
  const qconnect = client(QConnectClient, newAccount());
  const created = await qconnect.send(
    new CreateKnowledgeBaseCommand({ name: "answers", knowledgeBaseType: "QUICK_RESPONSES" }),
  );
  const id = created.knowledgeBase.knowledgeBaseId;
  await control("clock/advance", { seconds: DURATION });
  const got = await qconnect.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: id }));
  assert.equal(got.knowledgeBase.status, "ACTIVE");
  const listed = await qconnect.send(new ListKnowledgeBasesCommand({}));
  assert.deepEqual(listed.knowledgeBaseSummaries.map((k) => k.knowledgeBaseId), [id]);
});
