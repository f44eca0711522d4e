"""The WebSocket API document's client flow, run against a ComfySharp server with Debian's websocket-client.

Usage: /usr/bin/python3 seed_flow.py HOST:PORT
Prints one JSON object with the event types seen and the history text; exits non-zero on any mismatch.
"""
import json
import sys
import urllib.request
import uuid

import websocket

server_address = sys.argv[1]
client_id = str(uuid.uuid4())

workflow = {
    # A value unique to this run, so nothing is served from the server's cache of earlier prompts.
    "1": {"class_type": "PrimitiveString", "inputs": {"value": f"Hello {client_id}"}},
    "2": {"class_type": "StringConcatenate", "inputs": {"string_a": ["1", 0], "string_b": "seed document", "delimiter": ", "}},
    "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}},
}


def queue_prompt(prompt, prompt_id):
    # As in the document: urllib's default form content type, no JSON header.
    p = {"prompt": prompt, "client_id": client_id, "prompt_id": prompt_id}
    data = json.dumps(p).encode("utf-8")
    req = urllib.request.Request(f"http://{server_address}/prompt", data=data)
    return json.loads(urllib.request.urlopen(req).read())


ws = websocket.WebSocket()
ws.settimeout(60)
ws.connect(f"ws://{server_address}/ws?clientId={client_id}")

first = json.loads(ws.recv())
seen = [first["type"]]
events = [{"type": first["type"]}]
ran = []
binary = 0

prompt_id = str(uuid.uuid4())
answer = queue_prompt(workflow, prompt_id)

while True:
    out = ws.recv()
    if isinstance(out, str):
        message = json.loads(out)
        seen.append(message["type"])
        data = message.get("data") or {}
        event = {"type": message["type"]}
        if message["type"] in ("executing", "executed"):
            event["node"] = data.get("node")
            event["prompt_id"] = data.get("prompt_id")
        events.append(event)
        if message["type"] == "executing":
            # Execution is done when node is None
            if data["node"] is None and data["prompt_id"] == prompt_id:
                break
            ran.append(data["node"])
    else:
        # Binary preview image
        binary += 1

history = json.loads(urllib.request.urlopen(f"http://{server_address}/history/{prompt_id}").read())
ws.close()

text = history[prompt_id]["outputs"]["3"]["text"][0]
result = {
    "sid": first["data"].get("sid"),
    "answer_prompt_id": answer["prompt_id"],
    "types": seen,
    "events": events,
    "binary_frames": binary,
    "ran": ran,
    "text": text,
    "status": history[prompt_id]["status"]["status_str"],
}
print(json.dumps(result))
ok = (first["type"] == "status" and first["data"]["sid"] == client_id and answer["prompt_id"] == prompt_id
      and sorted(ran) == ["1", "2", "3"] and text == f"Hello {client_id}, seed document" and result["status"] == "success")
sys.exit(0 if ok else 1)
