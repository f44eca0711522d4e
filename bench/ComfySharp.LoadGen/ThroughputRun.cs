using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace ComfySharp.LoadGen;

/// <summary>
/// Concurrent posters post trivial prompts until <c>count</c> are taken; the run ends when the listener has seen
/// <c>executing {node: null}</c> for every accepted prompt. Used by <c>throughput</c> and <c>soak</c>.
/// </summary>
/// <remarks>
/// Each poster is a dedicated thread with its own kept-alive connection on a blocking socket: it sends, and its own thread
/// wakes when the answer comes. The listener is another dedicated thread (<see cref="ComfyConnection.StartListening"/>).
/// No thread pool and no continuation sits between a socket and the code that reads it.
/// </remarks>
internal static class ThroughputRun
{
    public static ThroughputResult Run(ComfyConnection connection, int posters, int count, bool cached, CancellationToken ct)
    {
        var postMs = new double[count];
        postMs.AsSpan().Fill(-1); // -1: not posted (the run timed out first)
        var ids = new string?[count];
        var next = -1;
        var rejected = 0;
        PostResult firstRejection = default;
        Exception? failure = null;
        var run = Guid.NewGuid().ToString("N")[..8];
        // Distinct values ("{run}-{i}") defeat ComfyUI's output cache; --cached sends the same prompt every time.
        var series = new Prompts.TrivialSeries(run + "-", connection.ClientId);
        var same = Prompts.Trivial("cached", connection.ClientId);
        var completions = connection.Completions;
        connection.StartListening();
        // A listener that fails stops the posters: without it nothing is measured, and a server that no longer reads its
        // socket (it backs up) may never answer them.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, completions.EndedToken);
        var cpu = CpuShare.Start(0);
        var started = Stopwatch.GetTimestamp();

        void PostLoop()
        {
            try
            {
                using var poster = connection.NewPoster(stop.Token);
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var body = cached ? same : series.Body(i);
                    var t0 = Stopwatch.GetTimestamp();
                    var result = poster.Post(body);
                    postMs[i] = Percentiles.Ms(Stopwatch.GetTimestamp() - t0);
                    if (result.Accepted)
                    {
                        ids[i] = result.PromptId;
                        completions.Await(result.PromptId!);
                    }
                    else if (Interlocked.Increment(ref rejected) == 1)
                    {
                        firstRejection = result;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Timed out, or the listener failed: the run reports what it has.
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
            }
        }

        var threads = new Thread[posters];
        for (var p = 0; p < posters; p++)
        {
            threads[p] = new Thread(PostLoop, 256 * 1024) { IsBackground = true, Name = "loadgen poster " + p.ToString(CultureInfo.InvariantCulture) };
            threads[p].Start();
        }
        foreach (var thread in threads) thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        var postedAt = Stopwatch.GetTimestamp();
        var timedOut = ct.IsCancellationRequested;
        if (!timedOut)
        {
            try
            {
                completions.WaitAll(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                timedOut = true;
            }
        }
        var generatorCpu = cpu.GeneratorSeconds();

        var latencies = new List<double>(count);
        foreach (var ms in postMs) if (ms >= 0) latencies.Add(ms);
        var last = started;
        var accepted = 0;
        var completed = 0;
        var failed = 0;
        foreach (var id in ids)
        {
            if (id is null) continue;
            accepted++;
            if (!completions.TryGetDone(id, out var doneAt)) continue;
            completed++;
            last = Math.Max(last, doneAt);
            if (completions.Outcome(id) is "execution_error" or "execution_interrupted") failed++;
        }
        // The listener stopped before the run ended (a run that ends normally closes it only afterwards).
        var error = !timedOut && completions.Ended is { } ended ? ended.Message : null;
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
            TimedOut: timedOut,
            Error: error);
    }

    /// <summary>Sequential submit-and-wait rounds that bring connections, the server's code paths and its JIT to a steady state.</summary>
    public static void WarmUp(ComfyConnection connection, int rounds, CancellationToken ct)
    {
        if (rounds == 0) return;
        using var poster = connection.NewPoster(ct);
        WarmUp(connection, poster, rounds);
    }

    /// <summary>As above, on <paramref name="poster"/>, whose connection then stays open for what is measured next.</summary>
    public static void WarmUp(ComfyConnection connection, IPromptPoster poster, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            var result = poster.Post(Prompts.Trivial("warm-up-" + Guid.NewGuid().ToString("N"), connection.ClientId));
            if (!result.Accepted) throw new ServerRefusedException("The warm-up prompt was rejected: " + result.Describe());
            connection.WaitDone(result.PromptId!);
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
        if (r.Error is not null) report.Add("error", "error", r.Error);
    }
}
