using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

public sealed class MissingTokenizerTests
{
    [Fact]
    public async Task Text_encoding_without_tokenizer_files_says_where_to_put_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync(nodes: r => r.Add<ProbeNode>());
        var checkpoints = Path.Combine(server.Folder, "models", "checkpoints");
        Directory.CreateDirectory(checkpoints);
        TinyCheckpoint.Write(Path.Combine(checkpoints, "tiny.safetensors"), SafetensorsDType.F32);

        await using var ws = await server.ConnectAsync("no-tokenizer", ct);
        // The greeting means the socket is registered before the prompt (which fails at once) can send its error.
        await ws.ReceiveJsonAsync(ct);
        var promptId = await server.QueueAsync(System.Text.Json.Nodes.JsonNode.Parse("""
        {
          "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
          "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "cat", "clip": ["1", 1]}},
          "3": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["2", 0]}}
        }
        """)!.AsObject(), "no-tokenizer", ct);
        var events = await ws.CollectUntilDoneAsync(promptId, ct);
        var error = Events.First(events, "execution_error");
        Assert.NotNull(error);
        Assert.Equal("CLIPTextEncode", (string?)error["data"]!["node_type"]);
        var message = (string)error["data"]!["exception_message"]!;
        Assert.Contains("vocab.json and merges.txt", message);
        Assert.Contains("models/tokenizers/sd1_tokenizer", message);
    }
}
