using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace ComfySharp.LoadGen;

internal static class Scenarios
{
    public static async Task<int> ThroughputAsync(Options options, CancellationToken ct)
    {
        var posters = options.Int("posters", 8);
        var count = options.Int("count", 20_000);
        var cached = options.Flag("cached");
        await using var connection = await ComfyConnection.OpenAsync(options.Url, ct);
        // Warm up connections and the server's code paths.
        for (var i = 0; i < 50; i++) await PostAndWaitAsync(connection, Prompts.Trivial("warm" + i), ct);

        var next = -1;
        var done = new List<Task<long>>(count);
        var postLatencies = new List<double>[posters];
        var gate = new object();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, posters).Select(p => Task.Run(async () =>
        {
            var latencies = postLatencies[p] = [];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var text = cached ? "same" : "run-" + i.ToString(CultureInfo.InvariantCulture);
                var t0 = Stopwatch.GetTimestamp();
                var (id, body, status) = await connection.PostPromptAsync(Prompts.Trivial(text), ct);
                latencies.Add(Stats.Ms(Stopwatch.GetTimestamp() - t0));
                if (id is null) throw new InvalidOperationException($"POST /prompt answered {status}: {body}");
                lock (gate) done.Add(connection.WhenDone(id));
            }
        }, ct)));
        var postedAt = Stopwatch.GetTimestamp();
        var finishes = await Task.WhenAll(done).WaitAsync(ct);
        var last = finishes.Max();
        var seconds = (last - started) / (double)Stopwatch.Frequency;
        Console.WriteLine($"throughput: {count} prompts ({(cached ? "identical, cached" : "distinct")}), {posters} posters, one listener");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {count / seconds:0} prompts/s until the last executing null ({seconds:0.000} s); posting took {Stats.Ms(postedAt - started) / 1000:0.000} s"));
        Console.WriteLine("  POST latency under load: " + Stats.Percentiles(postLatencies.SelectMany(l => l).ToList()));
        return 0;
    }

    public static async Task<int> LatencyAsync(Options options, CancellationToken ct)
    {
        var count = options.Int("count", 2000);
        await using var connection = await ComfyConnection.OpenAsync(options.Url, ct);
        for (var i = 0; i < 100; i++) await PostAndWaitAsync(connection, Prompts.Trivial("warm" + i), ct);
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var finished = await PostAndWaitAsync(connection, Prompts.Trivial("latency-" + i.ToString(CultureInfo.InvariantCulture)), ct);
            samples.Add(Stats.Ms(finished - t0));
        }
        Console.WriteLine("latency (sequential submit -> executing null): " + Stats.Percentiles(samples));
        return 0;
    }

    public static async Task<int> ChainAsync(Options options, CancellationToken ct)
    {
        var sizes = options.String("nodes", "1000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture));
        await using var connection = await ComfyConnection.OpenAsync(options.Url, ct);
        await PostAndWaitAsync(connection, Prompts.Chain(10, "warm"), ct);
        foreach (var size in sizes)
        {
            var best = double.MaxValue;
            for (var round = 0; round < options.Int("rounds", 3); round++)
            {
                var prompt = Prompts.Chain(size, "chain-" + Guid.NewGuid().ToString("N"));
                var t0 = Stopwatch.GetTimestamp();
                var (id, body, status) = await connection.PostPromptAsync(prompt, ct);
                if (id is null)
                {
                    Console.WriteLine($"chain of {size}: rejected with HTTP {status}: {Truncate(body)}");
                    break;
                }
                var finished = await connection.WhenDone(id).WaitAsync(ct);
                best = Math.Min(best, Stats.Ms(finished - t0));
            }
            if (best < double.MaxValue)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"chain of {size} StringConcatenate: {best:0.0} ms submit -> done (best of rounds), {best * 1000 / (size + 2):0.00} us per node"));
            }
        }
        return 0;
    }

    public static async Task<int> BroadcastAsync(Options options, CancellationToken ct)
    {
        var clients = options.Int("clients", 1000);
        var rounds = options.Int("rounds", 5);
        var url = new UriBuilder(options.Url) { Scheme = "ws", Path = "/ws" };
        var sockets = new ClientWebSocket[clients];
        using var connecting = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            await connecting.WaitAsync(ct);
            try
            {
                var socket = new ClientWebSocket();
                socket.Options.KeepAliveInterval = TimeSpan.Zero;
                url.Query = "clientId=bcast-" + i.ToString(CultureInfo.InvariantCulture);
                await socket.ConnectAsync(new UriBuilder(url.Uri) { Query = "clientId=bcast-" + i.ToString(CultureInfo.InvariantCulture) }.Uri, ct);
                await ReceiveUntilAsync(socket, "status", ct); // the greeting
                sockets[i] = socket;
            }
            finally
            {
                connecting.Release();
            }
        }));
        await using var poster = await ComfyConnection.OpenAsync(options.Url, ct);
        var samples = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var waits = sockets.Select(s => Task.Run(() => ReceiveUntilAsync(s, "status", ct), ct)).ToArray();
            var t0 = Stopwatch.GetTimestamp();
            var (id, body, status) = await poster.PostPromptAsync(Prompts.Trivial("broadcast-" + round.ToString(CultureInfo.InvariantCulture)), ct);
            if (id is null) throw new InvalidOperationException($"POST /prompt answered {status}: {body}");
            var arrivals = await Task.WhenAll(waits);
            samples.Add(Stats.Ms(arrivals.Max() - t0));
            await poster.WhenDone(id).WaitAsync(ct);
            // Read up to this prompt's last status (queue empty again) so the next round starts clean.
            await Task.WhenAll(sockets.Select(s => Task.Run(() => ReceiveUntilAsync(s, "queue_remaining\": 0", ct), ct)));
        }
        Console.WriteLine($"broadcast: POST -> status on all {clients} sockets: " + Stats.Percentiles(samples));
        foreach (var s in sockets) s.Abort();
        return 0;
    }

    public static async Task<int> StartupAsync(Options options, CancellationToken ct)
    {
        var command = options.String("command", "");
        if (command.Length == 0) throw new ArgumentException("--command is required");
        var parts = command.Split(' ', 2);
        var t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(new ProcessStartInfo(parts[0], parts.Length > 1 ? parts[1] : "")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(options.Url + "/prompt", ct);
                if (response.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(5, ct);
        }
        var ms = Stats.Ms(Stopwatch.GetTimestamp() - t0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup: {ms:0} ms from process start to the first 200 from GET /prompt"));
        Console.WriteLine($"  idle RSS: {ReadRss(process.Id)}");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
        return 0;
    }

    public static int Rss(Options options)
    {
        Console.WriteLine($"rss of {options.Int("pid", 0)}: {ReadRss(options.Int("pid", 0))}");
        return 0;
    }

    private static string ReadRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return line[6..].Trim();
            }
        }
        catch (IOException)
        {
        }
        return "unknown";
    }

    private static async Task<long> PostAndWaitAsync(ComfyConnection connection, System.Text.Json.Nodes.JsonObject prompt, CancellationToken ct)
    {
        var (id, body, status) = await connection.PostPromptAsync(prompt, ct);
        if (id is null) throw new InvalidOperationException($"POST /prompt answered {status}: {Truncate(body)}");
        return await connection.WhenDone(id).WaitAsync(ct);
    }

    /// <summary>Reads frames until one contains <paramref name="text"/> (a type name, or a snippet such as <c>queue_remaining": 0</c>).</summary>
    private static async Task<long> ReceiveUntilAsync(ClientWebSocket socket, string text, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var spaced = text.Contains('"', StringComparison.Ordinal) ? text : $"\"type\": \"{text}\"";
        var marker = Encoding.UTF8.GetBytes(spaced);
        var compact = Encoding.UTF8.GetBytes(spaced.Replace("\": ", "\":", StringComparison.Ordinal));
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            var now = Stopwatch.GetTimestamp();
            var span = buffer.AsSpan(0, length);
            if (span.IndexOf(marker) >= 0 || span.IndexOf(compact) >= 0) return now;
        }
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
