using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ComfySharp.Diffusion.Previews;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Io;
using ComfySharp.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>
/// <c>taesd</c> previews through the server: the decoder of <c>models/vae_approx</c> (a tiny one written here) renders each step at
/// 8× the latent, fitted to the preview size like every preview; it is loaded once and freed by <c>/free</c>. Without a usable
/// decoder (none, only a .pth, a corrupt file) the prompt still runs with latent2rgb previews and the log says why.
/// Each run's last preview is checked against the sampler's last denoised latent (SamplerCustom's second output) rendered here.
/// </summary>
public sealed class TaesdPreviewFlowTests(DiffusionServer server) : IClassFixture<DiffusionServer>
{
    private static string Prompt(long seed) => $$$"""
    {
      "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
      "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red cat", "clip": ["1", 1]}},
      "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "dog", "clip": ["1", 1]}},
      "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 48, "batch_size": 1}},
      "5": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
      "6": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "normal", "steps": 2, "denoise": 1.0}},
      "7": {"class_type": "SamplerCustom", "inputs": {"model": ["1", 0], "add_noise": true, "noise_seed": {{{seed}}}, "cfg": 8.0, "positive": ["2", 0], "negative": ["3", 0], "sampler": ["5", 0], "sigmas": ["6", 0], "latent_image": ["4", 0]}},
      "8": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["7", 1]}}
    }
    """;

    private static readonly int[] LatentShape = [1, 4, 6, 8];

    private string VaeApprox => Path.Combine(server.Models, "vae_approx");

    private ModelCache Cache => server.Server.Server.Services.GetRequiredService<ModelCache>();

    /// <summary>Empties models/vae_approx and the log, then writes the given files.</summary>
    private void Arrange(params (string Name, byte[]? Bytes)[] files)
    {
        if (Directory.Exists(VaeApprox)) Directory.Delete(VaeApprox, recursive: true);
        Directory.CreateDirectory(VaeApprox);
        foreach (var (name, bytes) in files)
        {
            var path = Path.Combine(VaeApprox, name);
            if (bytes is null) TinyTaesd.Write(path);
            else File.WriteAllBytes(path, bytes);
        }
        server.Logs.Clear();
    }

    /// <summary>Runs the prompt with <paramref name="method"/>; returns the type-1 preview frames and SamplerCustom's last denoised latent (scaled as the sampler sees it).</summary>
    private async Task<(List<byte[]> Frames, float[] Denoised)> RunAsync(long seed, string method, string clientId, CancellationToken ct)
    {
        await using var ws = await server.Server.ConnectAsync(clientId, ct);
        await ws.ReceiveJsonAsync(ct);
        var extra = new JsonObject { ["extra_data"] = new JsonObject { ["preview_method"] = method } };
        var id = await server.Server.QueueAsync(JsonNode.Parse(Prompt(seed))!.AsObject(), clientId, ct, extra);
        var events = new List<JsonObject>();
        var frames = new List<byte[]>();
        while (true)
        {
            var frame = await ws.ReceiveAsync(ct) ?? throw new InvalidOperationException("socket closed");
            if (frame.Binary is { } b)
            {
                frames.Add(b);
                continue;
            }
            events.Add(frame.Json!);
            if (frame.Type == "executing" && frame.Json!["data"]!["node"] is null && (string?)frame.Json["data"]!["prompt_id"] == id) break;
        }
        Assert.True(Events.Types(events).Contains("execution_success"), Events.First(events, "execution_error")?.ToJsonString());
        var history = await server.Server.HistoryAsync(id, ct);
        var denoised = DiffusionServer.Probe(history, "8")["data"]!.AsArray().Select(v => (float)v! * 0.18215f).ToArray();
        return (frames, denoised);
    }

    /// <summary>A type-1 JPEG frame's pixels.</summary>
    private static DecodedFrame Jpeg(byte[] frame)
    {
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(frame));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(4)));
        var image = ImageDecoder.Decode(frame[8..]);
        Assert.Equal("jpeg", image.Format, ignoreCase: true);
        return image.First;
    }

    /// <summary>What the server should have sent for <paramref name="denoised"/> with <paramref name="previewer"/>, decoded.</summary>
    private static DecodedFrame Expected(ILatentPreviewer previewer, float[] denoised)
    {
        var picture = previewer.Preview(denoised, LatentShape);
        return ImageDecoder.Decode(PreviewFrames.Jpeg(picture.Rgb, picture.Width, picture.Height, 512).Bytes.ToArray()).First;
    }

    private static double MeanDifference(DecodedFrame a, DecodedFrame b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        for (var i = 0; i < a.Rgba.Length; i++) sum += Math.Abs(a.Rgba[i] - b.Rgba[i]);
        return (double)sum / a.Rgba.Length;
    }

    /// <summary>The last frame is <paramref name="expected"/>'s rendering (up to float rounding) and clearly not <paramref name="other"/>'s.</summary>
    private static void AssertRenderedBy(byte[] frame, float[] denoised, ILatentPreviewer expected, ILatentPreviewer other)
    {
        var actual = Jpeg(frame);
        // 48×64 pixels (or a 6×8 latent) fitted to 512: 512×384.
        Assert.Equal((512, 384), (actual.Width, actual.Height));
        var near = MeanDifference(actual, Expected(expected, denoised));
        var far = MeanDifference(actual, Expected(other, denoised));
        Assert.True(near < 1.0 && far > 10 * near + 4, $"difference to the expected previewer {near:0.###}, to the other {far:0.###}");
    }

    [Fact]
    public async Task Taesd_previews_use_the_vae_approx_decoder_loaded_once_and_auto_stays_latent2rgb()
    {
        var ct = TestContext.Current.CancellationToken;
        // ComfyUI would take the first taesd_decoder* file (the .pth sorts first); the safetensors one is the one read here.
        Arrange(("taesd_decoder.pth", [0x80, 0x02, 0x7d]), ("taesd_decoder.safetensors", null), ("taesdxl_decoder.safetensors", [1, 2, 3]));
        using var taesd = TaesdPreviewer.Open(Path.Combine(VaeApprox, "taesd_decoder.safetensors"));
        var latent2rgb = Latent2RgbPreviewer.Sd15();

        var (frames, denoised) = await RunAsync(700, "taesd", "taesd-first", ct);
        Assert.Equal(2, frames.Count);
        AssertRenderedBy(frames[^1], denoised, taesd, latent2rgb);
        Assert.Empty(server.Logs.Messages);

        // The decoder stays loaded: the next run loads nothing.
        var loads = Cache.LoadCount;
        var (again, denoisedAgain) = await RunAsync(701, "taesd", "taesd-again", ct);
        AssertRenderedBy(again[^1], denoisedAgain, taesd, latent2rgb);
        Assert.Equal(loads, Cache.LoadCount);

        // auto is latent2rgb in ComfyUI, decoder or not.
        var (auto, denoisedAuto) = await RunAsync(702, "auto", "taesd-auto", ct);
        AssertRenderedBy(auto[^1], denoisedAuto, latent2rgb, taesd);

        // /free with unload_models frees the decoder with the models; the next taesd run loads it again.
        var (status, _) = await server.Server.PostJsonAsync("/free", new JsonObject { ["unload_models"] = true }, ct);
        Assert.Equal(200, status);
        while (Cache.LoadedCount > 0) await Task.Delay(10, ct);
        loads = Cache.LoadCount;
        var (reloaded, denoisedReloaded) = await RunAsync(703, "taesd", "taesd-reloaded", ct);
        AssertRenderedBy(reloaded[^1], denoisedReloaded, taesd, latent2rgb);
        Assert.Equal(loads + 2, Cache.LoadCount); // the checkpoint and the decoder
        Assert.Empty(server.Logs.Messages);
    }

    [Fact]
    public async Task Without_a_usable_decoder_taesd_previews_fall_back_to_latent2rgb_and_the_log_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        var good = TinyTaesd.Write(Path.Combine(server.Server.Folder, "taesd-reference.safetensors"));
        using var taesd = TaesdPreviewer.Open(good);
        var latent2rgb = Latent2RgbPreviewer.Sd15();

        Arrange();
        var (frames, denoised) = await RunAsync(710, "taesd", "taesd-missing", ct);
        Assert.Equal(2, frames.Count);
        AssertRenderedBy(frames[^1], denoised, latent2rgb, taesd);
        Assert.Contains(server.Logs.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal)
            && m.Contains("could not find models/vae_approx/taesd_decoder.safetensors", StringComparison.Ordinal));

        // A PyTorch pickle is not read (no pickle loader here): named in the log, latent2rgb shown.
        Arrange(("taesd_decoder.pth", [0x80, 0x02, 0x7d]));
        (frames, denoised) = await RunAsync(711, "taesd", "taesd-pth", ct);
        AssertRenderedBy(frames[^1], denoised, latent2rgb, taesd);
        Assert.Contains(server.Logs.Messages, m => m.Contains("models/vae_approx/taesd_decoder.pth is not a .safetensors file", StringComparison.Ordinal));

        // A cut decoder: the prompt runs on with latent2rgb previews and the log names the file and the problem.
        var bytes = await File.ReadAllBytesAsync(good, ct);
        Arrange(("taesd_decoder.safetensors", bytes[..(bytes.Length / 2)]));
        (frames, denoised) = await RunAsync(712, "taesd", "taesd-cut", ct);
        Assert.Equal(2, frames.Count);
        AssertRenderedBy(frames[^1], denoised, latent2rgb, taesd);
        var warning = Assert.Single(server.Logs.Messages);
        Assert.Contains("TAESD decoder models/vae_approx/taesd_decoder.safetensors cannot be used", warning);
        Assert.Contains("truncated", warning);
        Assert.DoesNotContain(server.Server.Folder, warning);
    }
}
