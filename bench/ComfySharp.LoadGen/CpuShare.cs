namespace ComfySharp.LoadGen;

/// <summary>CPU seconds the generator (and, given its pid, the server) used from <see cref="Start"/> on.</summary>
internal readonly record struct CpuShare(int ServerPid, double Server, double Generator)
{
    public static CpuShare Start(int serverPid)
    {
        var server = serverPid > 0 && ProcessCpu.TryRead(serverPid, out var s) ? s : -1;
        ProcessCpu.TryRead(Environment.ProcessId, out var generator);
        return new CpuShare(serverPid, server, generator);
    }

    /// <summary>The generator's CPU seconds since <see cref="Start"/>; NaN when /proc cannot tell (not Linux).</summary>
    public double GeneratorSeconds() =>
        ProcessCpu.TryRead(Environment.ProcessId, out var generator) ? generator - Generator : double.NaN;

    /// <summary>CPU milliseconds per round since <see cref="Start"/>; /proc counts in 10 ms ticks, so use many rounds.</summary>
    public void AddTo(Report report, int rounds)
    {
        if (rounds == 0) return;
        if (ProcessCpu.TryRead(Environment.ProcessId, out var generator))
        {
            report.Add("generator_cpu_ms", "generator CPU per round (ms)", (generator - Generator) * 1000 / rounds, "0.0");
        }
        if (Server < 0) return;
        if (ProcessCpu.TryRead(ServerPid, out var server))
        {
            report.Add("server_cpu_ms", "server CPU per round (ms)", (server - Server) * 1000 / rounds, "0.0");
        }
        else
        {
            report.Add("server_cpu_error", "server CPU", "the process is gone");
        }
    }
}
