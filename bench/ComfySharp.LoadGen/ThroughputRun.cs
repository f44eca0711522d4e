using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ComfySharp.LoadGen;

/// <summary>
/// Concurrent posters share one connection and post trivial prompts until <c>count</c> are taken; the run ends when the listener
/// has seen <c>executing {node: null}</c> for every accepted prompt. Used by <c>throughput</c> and <c>soak</c>.
/// </summary>
internal static class ThroughputRun
{
    public static async Task<ThroughputResult> RunAsync(ComfyConnection connection, int posters, int count, bool cached, CancellationToken ct)
    {
        var postMs = new double[count];
        postMs.AsSpan().Fill(-1); // -1: not posted (the run timed out first)
        var done = new Task<long>?[count];
        var ids = new string?[count];
        var next = -1;
        var rejected = 0;
        PostResult firstRejection = default;
        var run = Guid.NewGuid().ToString("N")[..8];
        var cpu = CpuShare.Start(0);
        var started = Stopwatch.GetTimestamp();

        async Task PostLoopAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                // Distinct values defeat ComfyUI's output cache; --cached sends the same prompt every time.
                var value = cached ? "cached" : string.Create(CultureInfo.InvariantCulture, $"{run}-{i}");
                var body = Prompts.Trivial(value, connection.ClientId);
                var t0 = Stopwatch.GetTimestamp();
                var result = await connection.PostAsync(body, ct);
                postMs[i] = Percentiles.Ms(Stopwatch.GetTimestamp() - t0);
                if (result.Accepted)
                {
                    ids[i] = result.PromptId;
                    done[i] = connection.WhenDone(result.PromptId!);
                }
                else if (Interlocked.Increment(ref rejected) == 1)
                {
                    firstRejection = result;
                }
            }
        }

        var loops = new Task[posters];
        for (var p = 0; p < posters; p++) loops[p] = Task.Run(PostLoopAsync, ct);
        var timedOut = false;
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            timedOut = true;
        }
        var postedAt = Stopwatch.GetTimestamp();
        var latencies = new List<double>(count);
        foreach (var ms in postMs) if (ms >= 0) latencies.Add(ms);

        var last = started;
        var completed = 0;
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            if (done[i] is not { } task) continue;
            try
            {
                if (!timedOut) await task.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                timedOut = true;
            }
            if (!task.IsCompletedSuccessfully) continue;
            completed++;
            last = Math.Max(last, task.Result);
            if (connection.Outcome(ids[i]!) is "execution_error" or "execution_interrupted") failed++;
        }
        var generatorCpu = cpu.GeneratorSeconds();
        var accepted = 0;
        foreach (var task in done) if (task is not null) accepted++;
        var elapsed = (last - started) / (double)Stopwatch.Frequency;
        return new ThroughputResult(
            Posted: latencies.Count,
            Accepted: accepted,
            Completed: completed,
            Failed: failed,
            Rejected: Volatile.Read(ref rejected),
            FirstRejection: firstRejection,
            ElapsedSeconds: elapsed,
            PostingSeconds: (postedAt - started) / (double)Stopwatch.Frequency,
            PostLatency: Percentiles.Of(CollectionsMarshal.AsSpan(latencies)),
            GeneratorCpuSeconds: generatorCpu,
            TimedOut: timedOut);
    }

    /// <summary>Sequential submit-and-wait rounds that bring connections, the server's code paths and its JIT to a steady state.</summary>
    public static async Task WarmUpAsync(ComfyConnection connection, int rounds, CancellationToken ct)
    {
        for (var i = 0; i < rounds; i++)
        {
            var result = await connection.PostAsync(Prompts.Trivial("warm-up-" + Guid.NewGuid().ToString("N"), connection.ClientId), ct);
            if (!result.Accepted) throw new ServerRefusedException("The warm-up prompt was rejected: " + result.Describe());
            await connection.WhenDone(result.PromptId!).WaitAsync(ct);
        }
    }

    public static void AddTo(Report report, ThroughputResult r, int posters, bool cached)
    {
        report.Add("prompts", "prompts posted", (long)r.Posted)
            .Add("posters", "concurrent posters", (long)posters)
            .Add("cached", "identical prompts", cached)
            .Add("accepted", "accepted", (long)r.Accepted)
            .Add("completed", "executing null seen", (long)r.Completed)
            .Add("prompts_per_s", "prompts/s", r.PromptsPerSecond, "0.0")
            .Add("elapsed_s", "elapsed (s, first POST to last done)", r.ElapsedSeconds)
            .Add("posting_s", "posting took (s)", r.PostingSeconds)
            .Add("post_latency_ms", "POST latency (ms)", r.PostLatency);
        if (double.IsFinite(r.GeneratorCpuSeconds) && r.Posted > 0)
        {
            // /proc counts in 10 ms ticks: a few thousand prompts make this exact to a few percent.
            report.Add("generator_cpu_us", "generator CPU per prompt (us)", r.GeneratorCpuSeconds * 1e6 / r.Posted, "0.0");
        }
        if (r.Failed > 0) report.Add("failed", "ended in error/interrupt", (long)r.Failed);
        if (r.Rejected > 0) report.Add("rejected", "rejected", (long)r.Rejected).Add("first_rejection", "first rejection", r.FirstRejection.Describe(500));
        if (r.TimedOut) report.Add("timed_out", "timed out", true);
    }
}
