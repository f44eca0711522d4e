// Drives ComfySharp with a third-party npm ComfyUI SDK (@saintno/comfyui-sdk), through the SDK's own API only.
// Usage: node sdk_flow.mjs http://127.0.0.1:PORT   Prints one JSON line; exits non-zero on any mismatch.
import { ComfyApi, CallWrapper, PromptBuilder } from "@saintno/comfyui-sdk";

const url = process.argv[2];
const fail = (message, extra = {}) => {
  console.log(JSON.stringify({ ok: false, error: String(message?.stack ?? message), ...extra }));
  process.exit(1);
};
if (!url) fail("usage: node sdk_flow.mjs http://HOST:PORT");
const timer = setTimeout(() => fail("timed out"), 60_000);

// A value unique to this run, so nothing is served from the server's cache of earlier prompts.
const greeting = `Hello ${process.pid}-${Date.now()}`;
const expected = `${greeting} from the npm SDK`;
const workflow = {
  "1": { class_type: "PrimitiveString", inputs: { value: "placeholder" } },
  "2": { class_type: "StringConcatenate", inputs: { string_a: ["1", 0], string_b: "from the npm SDK", delimiter: " " } },
  "3": { class_type: "PreviewAny", inputs: { source: ["2", 0] } },
};

const api = new ComfyApi(url, "sdk-interop-" + Date.now()).init();
await api.waitForReady();

// Every event the SDK dispatches, in order, with the node for `executing` (null marks the end of a prompt).
const events = [];
// ComfyUI sends execution_success (which ends the SDK's CallWrapper) before it writes history; `executing` with node null
// and the prompt's id comes after the history entry exists.
const done = new Map();
const doneFor = (id) => {
  if (!done.has(id)) {
    let resolve;
    done.set(id, { promise: new Promise((r) => { resolve = r; }), resolve });
  }
  return done.get(id);
};
api.addEventListener("executing", (ev) => {
  if (ev.detail?.node == null && ev.detail?.prompt_id) doneFor(ev.detail.prompt_id).resolve();
});
for (const type of ["status", "execution_start", "execution_cached", "executing", "executed", "execution_success", "execution_error",
  "execution_interrupted"]) {
  api.addEventListener(type, (ev) => events.push(type === "executing" ? { type, node: ev.detail?.node ?? null } : { type }));
}

const builder = new PromptBuilder(workflow, ["text"], ["preview"])
  .setInputNode("text", "1.inputs.value")
  .setOutputNode("preview", "3")
  .input("text", greeting);

let pendingId;
let startedId;
const result = await new Promise((resolve, reject) => {
  new CallWrapper(api, builder)
    .onPending((id) => { pendingId = id; })
    .onStart((id) => { startedId = id; })
    .onFinished((data, id) => resolve({ data, id }))
    .onFailed((error) => reject(error))
    .run();
}).catch((error) => fail(error, { events }));

const promptId = result.id ?? result.data?._promptId ?? startedId ?? pendingId;
const text = result.data?.preview?.text?.[0];
if (promptId) await doneFor(promptId).promise;
const history = promptId ? await api.getHistory(promptId) : undefined;
const historyText = history?.outputs?.["3"]?.text?.[0];
const queue = await api.getQueue();
const stats = await api.getSystemStats();
clearTimeout(timer);

const types = events.map((e) => e.type);
const ranNodes = events.filter((e) => e.type === "executing" && e.node !== null).map((e) => e.node);
const observed = {
  prompt_id: promptId ?? null,
  text,
  history_text: historyText,
  history_status: history?.status?.status_str,
  history_completed: history?.status?.completed,
  queue_running: queue?.queue_running?.length,
  queue_pending: queue?.queue_pending?.length,
  events: types,
  ran: ranNodes,
  os: stats?.system?.os,
};
const problems = [];
if (!promptId) problems.push("the SDK reported no prompt id");
if (text !== expected) problems.push(`CallWrapper result text ${JSON.stringify(text)} != ${JSON.stringify(expected)}`);
if (historyText !== expected) problems.push(`history text ${JSON.stringify(historyText)} != ${JSON.stringify(expected)}`);
if (observed.history_status !== "success" || observed.history_completed !== true) problems.push("history status is not a completed success");
for (const type of ["execution_start", "executing", "executed", "execution_success"]) {
  if (!types.includes(type)) problems.push(`no ${type} event`);
}
if ([...ranNodes].sort().join(",") !== "1,2,3") problems.push(`executing nodes ${JSON.stringify(ranNodes)}`);
if (types.includes("execution_error") || types.includes("execution_interrupted")) problems.push("an error event");
if (observed.queue_running !== 0 || observed.queue_pending !== 0) problems.push("the queue is not empty afterwards");
if (typeof observed.os !== "string") problems.push("system_stats has no system.os");

console.log(JSON.stringify({ ok: problems.length === 0, problems, ...observed }));
api.destroy?.();
process.exit(problems.length === 0 ? 0 : 1);
