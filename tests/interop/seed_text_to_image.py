"""The WebSocket API document's image flow (queue, follow the events, read the history, GET /view each image) with
ComfyUI's default text-to-image graph, run against a ComfySharp server with Debian's websocket-client.

Usage: /usr/bin/python3 seed_text_to_image.py HOST:PORT CHECKPOINT
Prints one JSON object with what was seen; exits non-zero on any mismatch.
"""
import json
import sys
import urllib.parse
import urllib.request
import uuid

import websocket

server_address = sys.argv[1]
checkpoint = sys.argv[2]
client_id = str(uuid.uuid4())
STEPS = 3

prompt = {
    "3": {"class_type": "KSampler", "inputs": {"cfg": 8, "denoise": 1, "latent_image": ["5", 0], "model": ["4", 0],
                                               "negative": ["7", 0], "positive": ["6", 0], "sampler_name": "euler",
                                               "scheduler": "normal", "seed": 8566257, "steps": STEPS}},
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": checkpoint}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"batch_size": 1, "height": 64, "width": 64}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "a red cat"}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "dog"}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
}


def queue_prompt(p):
    data = json.dumps({"prompt": p, "client_id": client_id}).encode("utf-8")
    return json.loads(urllib.request.urlopen(urllib.request.Request(f"http://{server_address}/prompt", data=data)).read())


def get_image(filename, subfolder, folder_type):
    query = urllib.parse.urlencode({"filename": filename, "subfolder": subfolder, "type": folder_type})
    with urllib.request.urlopen(f"http://{server_address}/view?{query}") as response:
        return response.read()


ws = websocket.WebSocket()
ws.settimeout(120)
ws.connect(f"ws://{server_address}/ws?clientId={client_id}")
prompt_id = queue_prompt(prompt)["prompt_id"]
types = []
progress = []
while True:
    out = ws.recv()
    if not isinstance(out, str):
        continue
    message = json.loads(out)
    types.append(message["type"])
    data = message.get("data") or {}
    if message["type"] == "progress":
        progress.append([data["value"], data["max"], data.get("node")])
    if message["type"] == "executing" and data["node"] is None and data["prompt_id"] == prompt_id:
        break
history = json.loads(urllib.request.urlopen(f"http://{server_address}/history/{prompt_id}").read())[prompt_id]
ws.close()

images = []
for node_id, node_output in history["outputs"].items():
    for image in node_output.get("images", []):
        data = get_image(image["filename"], image["subfolder"], image["type"])
        images.append({"node": node_id, "bytes": len(data), "png": data[:8] == b"\x89PNG\r\n\x1a\n"})

result = {"types": types, "progress": progress, "images": images, "status": history["status"]["status_str"]}
print(json.dumps(result))
ok = (result["status"] == "success" and "execution_success" in types and len(images) == 1 and images[0]["png"]
      and [p[0] for p in progress if p[2] == "3"][-1] == STEPS)
sys.exit(0 if ok else 1)
