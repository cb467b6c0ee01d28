// One life cycle per job family, driven by the AWS SDK for JavaScript v3 against a running
// `importmock server` (its URL in IMPORTMOCK_URL; .ci/run starts one with --duration 60).
// Each test works in an account of its own (a 12-digit access key id selects it), so the
// server may hold other jobs; the mock clock is moved through the control API.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { DURATION, REGION, SERVER, client, control, newAccount, rejection } from "./support.mjs";

import {
  CloudTrailClient,
  GetImportCommand,
  ListImportFailuresCommand,
  ListImportsCommand as ListLakeImportsCommand,
  StartImportCommand,
  StopImportCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  DescribeExportCommand,
  DescribeImportCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ImportNotFoundException,
  ImportTableCommand,
  ListExportsCommand,
  ListImportsCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateDatasetImportJobCommand,
  DeleteDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  ForecastClient,
  ListDatasetImportJobsCommand,
  ResourceNotFoundException as ForecastNotFound,
} from "@aws-sdk/client-forecast";
import {
  DeleteImportJobCommand,
  GetImportJobCommand,
  ListImportJobsCommand,
  QConnectClient,
  ResourceNotFoundException as QConnectNotFound,
  StartContentUploadCommand,
  StartImportJobCommand,
} from "@aws-sdk/client-qconnect";

const advance = (seconds) => control("clock/advance", { seconds });
const finish = (job, options = {}) => control("finish", { job, ...options });

test("DynamoDB import and export: create, describe, list, end", async () => {
  const account = newAccount();
  const ddb = client(DynamoDBClient, account);
  const table = `arn:aws:dynamodb:${REGION}:${account}:table/orders`;

  const created = await ddb.send(
    new ImportTableCommand({
      S3BucketSource: { S3Bucket: "import-bucket", S3KeyPrefix: "orders/" },
      InputFormat: "CSV",
      TableCreationParameters: {
        TableName: "orders",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      },
    }),
  );
  const importArn = created.ImportTableDescription.ImportArn;
  assert.equal(created.ImportTableDescription.ImportStatus, "IN_PROGRESS");
  assert.ok(importArn.startsWith(`${table}/import/`));
  const running = await ddb.send(new DescribeImportCommand({ ImportArn: importArn }));
  assert.equal(running.ImportTableDescription.ImportStatus, "IN_PROGRESS");
  assert.ok(running.ImportTableDescription.StartTime instanceof Date);
  const imports = await ddb.send(new ListImportsCommand({}));
  assert.deepEqual(
    imports.ImportSummaryList.map((s) => [s.ImportArn, s.ImportStatus]),
    [[importArn, "IN_PROGRESS"]],
  );

  const exported = await ddb.send(
    new ExportTableToPointInTimeCommand({ TableArn: table, S3Bucket: "exports" }),
  );
  const exportArn = exported.ExportDescription.ExportArn;
  assert.equal(exported.ExportDescription.ExportStatus, "IN_PROGRESS");
  await finish(exportArn, { status: "FAILED", failure_code: "S3AccessDenied", failure_message: "Denied" });
  const failed = await ddb.send(new DescribeExportCommand({ ExportArn: exportArn }));
  assert.deepEqual(
    [failed.ExportDescription.ExportStatus, failed.ExportDescription.FailureCode],
    ["FAILED", "S3AccessDenied"],
  );
  const exports = await ddb.send(new ListExportsCommand({ TableArn: table }));
  assert.deepEqual(exports.ExportSummaries.map((s) => s.ExportArn), [exportArn]);

  await advance(DURATION);
  const done = await ddb.send(new DescribeImportCommand({ ImportArn: importArn }));
  assert.equal(done.ImportTableDescription.ImportStatus, "COMPLETED");
  assert.ok(done.ImportTableDescription.EndTime >= done.ImportTableDescription.StartTime);
  await rejection(
    ddb.send(new DescribeImportCommand({ ImportArn: `${table}/import/01700000000000-0123abcd` })),
    ImportNotFoundException,
  );
});

test("CloudTrail Lake import: start, get, list, stop, complete", async () => {
  const account = newAccount();
  const trail = client(CloudTrailClient, account);
  const request = {
    Destinations: [`arn:aws:cloudtrail:${REGION}:${account}:eventdatastore/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`],
    ImportSource: {
      S3: {
        S3LocationUri: "s3://trail-bucket/AWSLogs",
        S3BucketRegion: REGION,
        S3BucketAccessRoleArn: `arn:aws:iam::${account}:role/lake-import`,
      },
    },
  };

  const started = await trail.send(new StartImportCommand(request));
  assert.equal(started.ImportStatus, "INITIALIZING");
  const got = await trail.send(new GetImportCommand({ ImportId: started.ImportId }));
  assert.equal(got.ImportStatus, "IN_PROGRESS");
  const stopped = await trail.send(new StopImportCommand({ ImportId: started.ImportId }));
  assert.equal(stopped.ImportStatus, "STOPPED");

  await advance(1);
  const second = await trail.send(new StartImportCommand(request));
  await advance(DURATION);
  const completed = await trail.send(new GetImportCommand({ ImportId: second.ImportId }));
  assert.equal(completed.ImportStatus, "COMPLETED");
  assert.ok(completed.ImportStatistics);
  const listed = await trail.send(new ListLakeImportsCommand({}));
  assert.deepEqual(
    listed.Imports.map((i) => [i.ImportId, i.ImportStatus]),
    [
      [second.ImportId, "COMPLETED"],
      [started.ImportId, "STOPPED"],
    ],
  );
  const failures = await trail.send(new ListImportFailuresCommand({ ImportId: second.ImportId }));
  assert.deepEqual(failures.Failures, []);
});

test("Forecast dataset import job: create, describe, list, delete", async () => {
  const account = newAccount();
  const forecast = client(ForecastClient, account);

  const created = await forecast.send(
    new CreateDatasetImportJobCommand({
      DatasetImportJobName: "daily",
      DatasetArn: `arn:aws:forecast:${REGION}:${account}:dataset/sales`,
      DataSource: {
        S3Config: { Path: "s3://forecast-data/sales.csv", RoleArn: `arn:aws:iam::${account}:role/forecast` },
      },
    }),
  );
  const arn = created.DatasetImportJobArn;
  assert.equal(arn, `arn:aws:forecast:${REGION}:${account}:dataset-import-job/sales/daily`);
  const pending = await forecast.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: arn }));
  assert.equal(pending.Status, "CREATE_PENDING");
  const listed = await forecast.send(new ListDatasetImportJobsCommand({}));
  assert.deepEqual(listed.DatasetImportJobs.map((j) => j.DatasetImportJobArn), [arn]);

  await advance(DURATION);
  const active = await forecast.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: arn }));
  assert.equal(active.Status, "ACTIVE");
  await forecast.send(new DeleteDatasetImportJobCommand({ DatasetImportJobArn: arn }));
  await advance(DURATION);
  await rejection(
    forecast.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: arn })),
    ForecastNotFound,
  );
});

test("Q in Connect import job: upload, start, get, list, delete", async () => {
  const account = newAccount();
  const qconnect = client(QConnectClient, account);
  const knowledgeBaseId = randomUUID();
  const file = "name,content\nhello,Hello!\n";

  const upload = await qconnect.send(new StartContentUploadCommand({ knowledgeBaseId, contentType: "text/csv" }));
  const url = new URL(upload.url);
  assert.equal(url.origin, new URL(SERVER).origin); // on the server, not on an AWS host
  assert.equal(url.searchParams.get("X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
  assert.match(url.searchParams.get("X-Amz-Credential"), new RegExp(`^\\w+/\\d{8}/${REGION}/s3/aws4_request$`));
  const signed = url.searchParams.get("X-Amz-SignedHeaders").split(";");
  for (const name of Object.keys(upload.headersToInclude)) assert.ok(signed.includes(name), name);

  const unsigned = await fetch(upload.url, { method: "PUT", body: file });
  assert.equal(unsigned.status, 403); // the signed headers are missing, as S3 refuses it
  assert.match(await unsigned.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  const put = await fetch(upload.url, { method: "PUT", headers: upload.headersToInclude, body: file });
  assert.equal(put.status, 200, await put.text());

  const started = await qconnect.send(
    new StartImportJobCommand({ knowledgeBaseId, importJobType: "QUICK_RESPONSES", uploadId: upload.uploadId }),
  );
  const jobId = started.importJob.importJobId;
  assert.equal(started.importJob.status, "START_IN_PROGRESS");
  const got = await qconnect.send(new GetImportJobCommand({ knowledgeBaseId, importJobId: jobId }));
  assert.equal(got.importJob.status, "START_IN_PROGRESS");
  assert.equal(got.importJob.uploadId, upload.uploadId);
  const listed = await qconnect.send(new ListImportJobsCommand({ knowledgeBaseId }));
  assert.deepEqual(listed.importJobSummaries.map((s) => s.importJobId), [jobId]);

  await advance(DURATION);
  const done = await qconnect.send(new GetImportJobCommand({ knowledgeBaseId, importJobId: jobId }));
  assert.equal(done.importJob.status, "COMPLETE");
  const download = await fetch(done.importJob.url);
  assert.equal(download.status, 200);
  assert.equal(await download.text(), file);

  await qconnect.send(new DeleteImportJobCommand({ knowledgeBaseId, importJobId: jobId }));
  await advance(DURATION);
  await rejection(
    qconnect.send(new GetImportJobCommand({ knowledgeBaseId, importJobId: jobId })),
    QConnectNotFound,
  );
});

test("a client configured by AWS_ENDPOINT_URL and AWS_REGION alone reaches the server", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: SERVER,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: newAccount(),
    AWS_SECRET_ACCESS_KEY: "x",
  });
  try {
    const trail = new CloudTrailClient({});
    const listed = await trail.send(new ListLakeImportsCommand({}));
    assert.deepEqual(listed.Imports, []);
  } finally {
    for (const name of ["AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
      if (name in saved) process.env[name] = saved[name];
      else delete process.env[name];
    }
  }
});
