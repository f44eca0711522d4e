// Drives ComfySharp with a third-party npm ComfyUI SDK (@saintno/comfyui-sdk), through the SDK's own API only.
// Usage: node sdk_flow.mjs http://127.0.0.1:PORT   Prints one JSON line; exits non-zero on any mismatch.
import { ComfyApi, CallWrapper, PromptBuilder } from "@saintno/comfyui-sdk";

const url = process.argv[2];
const fail = (message) => {
  console.log(JSON.stringify({ ok: false, error: String(message) }));
  process.exit(1);
};
const timer = setTimeout(() => fail("timed out"), 60_000);

const workflow = {
  "1": { class_type: "PrimitiveString", inputs: { value: "placeholder" } },
  "2": { class_type: "StringConcatenate", inputs: { string_a: ["1", 0], string_b: "from the npm SDK", delimiter: " " } },
  "3": { class_type: "PreviewAny", inputs: { source: ["2", 0] } },
};

const api = new ComfyApi(url, "sdk-interop-" + Date.now()).init();
await api.waitForReady();
const events = [];
for (const type of ["status", "execution_start", "executing", "executed", "execution_success", "progress_state"]) {
  api.addEventListener(type, () => events.push(type));
}

const builder = new PromptBuilder(workflow, ["text"], ["preview"])
  .setInputNode("text", "1.inputs.value")
  .setOutputNode("preview", "3")
  .input("text", "Hello");

const result = await new Promise((resolve, reject) => {
  new CallWrapper(api, builder)
    .onFinished((data) => resolve(data))
    .onFailed((error) => reject(error))
    .run();
}).catch(fail);

const text = result?.preview?.text?.[0];
const stats = await api.getSystemStats();
clearTimeout(timer);
const ok = text === "Hello from the npm SDK";
console.log(JSON.stringify({ ok, text, events: [...new Set(events)], os: stats?.system?.os }));
api.destroy?.();
process.exit(ok ? 0 : 1);
