using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>startup</c>: starts a server with <c>/bin/sh -c "exec &lt;command&gt;"</c> (so the process id is the server's own), polls
/// <c>GET /prompt</c> until it answers 200, reads the server's RSS, then kills it.
/// </summary>
internal static class StartupScenario
{
    public static async Task<Report> RunAsync(Options options, CancellationToken ct)
    {
        var url = options.Url;
        var command = options.Required("command") ?? throw new UsageException("startup needs --command \"<server command line>\".");
        var workdir = options.String("workdir", Environment.CurrentDirectory);
        var pollMs = options.Int("poll-ms", 10, min: 1);
        var idleSeconds = options.Int("idle-s", 0);
        var report = Report.For("startup", url, command);
        var probe = new Uri(url.AbsoluteUri.TrimEnd('/') + "/prompt");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        if (await AnswersAsync(http, probe, ct))
        {
            throw new UsageException($"Something already answers at {probe}; stop it first, or the measurement would be of that server.");
        }

        var tail = new OutputTail(30);
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workdir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec " + command);
        var t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new UsageException("Could not start /bin/sh.");
        try
        {
            process.OutputDataReceived += (_, e) => tail.Add(e.Data);
            process.ErrorDataReceived += (_, e) => tail.Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            report.Add("pid", "", (long)process.Id);
            while (true)
            {
                if (process.HasExited)
                {
                    await process.WaitForExitAsync(ct); // lets the output readers reach the end of both streams
                    report.Add("exit_code", "exited before answering, code", (long)process.ExitCode).Add("output", "last output", tail.ToString());
                    report.Failed = true;
                    return report;
                }
                if (await AnswersAsync(http, probe, ct)) break;
                await Task.Delay(pollMs, ct);
            }
            var readyMs = Percentiles.Ms(Stopwatch.GetTimestamp() - t0);
            report.Add("startup_ms", "start to first 200 from GET /prompt (ms)", readyMs, "0.0");
            if (ProcessMemory.TryRead(process.Id, out var ready)) ready.AddTo(report, "ready", "at ready");
            if (idleSeconds > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(idleSeconds), ct);
                if (ProcessMemory.TryRead(process.Id, out var idle)) idle.AddTo(report, "idle", $"after {idleSeconds} s idle");
            }
            return report;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            report.Add("timed_out", "no 200 before the timeout", true).Add("output", "last output", tail.ToString());
            report.Failed = true;
            return report;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warning: process {process.Id} did not exit within 10 s of SIGKILL"));
            }
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri probe, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(probe, ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false; // listening but not answering yet (HttpClient.Timeout)
        }
    }
}
