// What the node tests share: the server's URL, a client per account, the control API, errors.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";

export const SERVER = process.env.IMPORTMOCK_URL;
assert.ok(SERVER, "IMPORTMOCK_URL must hold the URL of a running importmock server");
export const REGION = "us-east-1";
export const DURATION = 60; // the server's --duration: seconds of mock-clock time a job runs

/** A new 12-digit account, so that jobs of earlier runs or other tests are not listed. */
export function newAccount() {
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

/** A client of `Client` pointed at the server, signing as `account`. */
export function client(Client, account) {
  return new Client({
    endpoint: SERVER,
    region: REGION,
    credentials: { accessKeyId: account, secretAccessKey: "x" },
    maxAttempts: 1,
  });
}

/** A control call (docs/control.md): POST /_importmock/<path> with a JSON body. */
export async function control(path, document) {
  const response = await fetch(`${SERVER}/_importmock/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(document),
  });
  const answer = await response.json();
  assert.equal(response.status, 200, JSON.stringify(answer));
  return answer;
}

/** The error `promise` rejects with, which must be an instance of `kind`. */
export async function rejection(promise, kind) {
  const error = await promise.then(
    () => assert.fail(`expected ${kind.name}`),
    (failure) => failure,
  );
  assert.ok(error instanceof kind, `${error.name}: ${error.message}`);
  return error;
}

