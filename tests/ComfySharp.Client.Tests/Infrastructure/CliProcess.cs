using System.Diagnostics;
using System.Text;

namespace ComfySharp.Client.Tests.Infrastructure;

/// <summary>The built CLI (comfysharp.dll, copied next to the tests by the project reference) run as a child process.</summary>
internal static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "comfysharp.dll");

    /// <summary>The folder holding ComfySharp.slnx.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ComfySharp.slnx"))) return dir.FullName;
            }
            throw new InvalidOperationException("ComfySharp.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The configuration these tests were built in (the CLI next to them was built the same way).</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        ? "Debug"
        : "Release";

    public static Task<Result> RunAsync(string workingDirectory, CancellationToken ct, params string[] args) =>
        RunProcessAsync("dotnet", [Dll, .. args], workingDirectory, ct);

    public static async Task<Result> RunProcessAsync(string file, IEnumerable<string> args, string workingDirectory, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("COMFYSHARP_SERVER");
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null)
        {
            foreach (var (k, v) in environment) info.Environment[k] = v;
        }
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }
}
