"""The flow of ComfyUI's script_examples/websockets_api_example_ws_images.py, written for these tests: queue a prompt whose
SaveImageWebsocket node is called 'save_image_websocket_node', collect the binary frames received while it executes, drop
their 8-byte header, and write each image to OUT_DIR/<n>.png. Prints a JSON summary."""
import json
import sys
import urllib.request
import uuid

import websocket

server, prompt_file, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
client_id = str(uuid.uuid4())
prompt = json.load(open(prompt_file))

ws = websocket.WebSocket()
ws.connect("ws://{}/ws?clientId={}".format(server, client_id))
request = urllib.request.Request("http://{}/prompt".format(server),
                                 data=json.dumps({"prompt": prompt, "client_id": client_id}).encode("utf-8"))
prompt_id = json.loads(urllib.request.urlopen(request).read())["prompt_id"]

images, headers, current = [], [], ""
while True:
    out = ws.recv()
    if isinstance(out, str):
        message = json.loads(out)
        if message["type"] == "executing":
            data = message["data"]
            if data["prompt_id"] == prompt_id:
                if data["node"] is None:
                    break
                current = data["node"]
    elif current == "save_image_websocket_node":
        headers.append(list(out[:8]))
        images.append(out[8:])
ws.close()

for i, image in enumerate(images):
    open("{}/{}.png".format(out_dir, i), "wb").write(image)
print(json.dumps({"count": len(images), "headers": headers}))
