using ComfySharp.Client;

namespace ComfySharp.ClientBench;

/// <summary>Prompts/s through <see cref="ComfyClient.RunAsync(System.Text.Json.Nodes.JsonObject, RunOptions?, CancellationToken)"/> versus <see cref="RawClient"/>.</summary>
internal static class PromptsScenario
{
    public static async Task RunAsync(Uri url, Args options, CancellationToken ct)
    {
        long value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000; // distinct from any earlier run's prompts
        Console.WriteLine($"prompts: PrimitiveInt -> PreviewAny, {options.Count} per round, {options.Rounds} rounds (median), raw and SDK alternating");
        foreach (var concurrency in options.Concurrency)
        {
            using var http = Bench.Http(url, concurrency + 2);
            await using var raw = await RawClient.ConnectAsync(http, ct);
            // The SDK on the same caller-owned HttpClient (as with IHttpClientFactory), its own socket.
            await using var sdk = new ComfyClient(http, new ComfyClientOptions { BaseAddress = url });
            await sdk.ConnectAsync(ct);

            Task Raw(int _) => RunRaw(Interlocked.Increment(ref value));
            async Task RunRaw(long v)
            {
                using var history = await raw.RunAsync(Bench.IntPrompt(v), ct);
            }
            Task Sdk(int _) => sdk.RunAsync(Bench.IntPrompt(Interlocked.Increment(ref value)), cancellationToken: ct);

            var warmup = Math.Max(50, options.Count / 10);
            await Bench.RateAsync(warmup, concurrency, Raw, ct);
            await Bench.RateAsync(warmup, concurrency, Sdk, ct);
            List<double> rawRates = [], sdkRates = [];
            for (var round = 0; round < options.Rounds; round++)
            {
                rawRates.Add(await Bench.RateAsync(options.Count, concurrency, Raw, ct));
                sdkRates.Add(await Bench.RateAsync(options.Count, concurrency, Sdk, ct));
            }
            var rawMedian = Bench.Median(rawRates);
            var sdkMedian = Bench.Median(sdkRates);
            Console.WriteLine($"  concurrency {concurrency}: raw {rawMedian:0} prompts/s [{string.Join(", ", rawRates.Select(r => r.ToString("0")))}], "
                + $"SDK RunAsync {sdkMedian:0} prompts/s [{string.Join(", ", sdkRates.Select(r => r.ToString("0")))}], SDK/raw {sdkMedian / rawMedian:0.00}");
        }
    }
}
