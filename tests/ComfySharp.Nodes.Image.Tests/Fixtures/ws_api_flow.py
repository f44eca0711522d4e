"""The flow of ComfyUI's script_examples/websockets_api_example.py, written for these tests: queue a prompt, wait on the socket
until its 'executing' event with node None, read /history/<id>, and fetch every image of every output with
/view?<urlencoded filename, subfolder, type>. Writes them to OUT_DIR/<node>_<n>.<ext> and prints a JSON summary."""
import json
import sys
import urllib.parse
import urllib.request
import uuid

import websocket

server, prompt_file, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
client_id = str(uuid.uuid4())
prompt = json.load(open(prompt_file))


def get_image(filename, subfolder, folder_type):
    url_values = urllib.parse.urlencode({"filename": filename, "subfolder": subfolder, "type": folder_type})
    with urllib.request.urlopen("http://{}/view?{}".format(server, url_values)) as response:
        return response.read(), response.headers.get("Content-Type")


ws = websocket.WebSocket()
ws.settimeout(60)
ws.connect("ws://{}/ws?clientId={}".format(server, client_id))
request = urllib.request.Request("http://{}/prompt".format(server),
                                 data=json.dumps({"prompt": prompt, "client_id": client_id}).encode("utf-8"))
prompt_id = json.loads(urllib.request.urlopen(request).read())["prompt_id"]
while True:
    out = ws.recv()
    if isinstance(out, str):
        message = json.loads(out)
        if message["type"] == "executing":
            data = message["data"]
            if data["node"] is None and data["prompt_id"] == prompt_id:
                break

with urllib.request.urlopen("http://{}/history/{}".format(server, prompt_id)) as response:
    history = json.loads(response.read())[prompt_id]
ws.close()

fetched = {}
for node_id, node_output in history["outputs"].items():
    if "images" in node_output:
        fetched[node_id] = []
        for n, image in enumerate(node_output["images"]):
            data, content_type = get_image(image["filename"], image["subfolder"], image["type"])
            path = "{}/{}_{}.{}".format(out_dir, node_id, n, image["filename"].rsplit(".", 1)[-1])
            open(path, "wb").write(data)
            fetched[node_id].append({"path": path, "content_type": content_type, "filename": image["filename"]})
print(json.dumps(fetched))
