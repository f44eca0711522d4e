using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ComfySharp.Nodes.Image.Tests;

/// <summary>Runs Fixtures/reference.py with Debian's /usr/bin/python3 (Pillow, numpy, torch): an independent implementation to compare with.</summary>
internal static class Reference
{
    public static Task<string> RunAsync(CancellationToken ct, params string[] args) => RunScriptAsync("reference.py", args, ct);

    public static async Task<string> RunScriptAsync(string script, string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fixtures", script));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed: {await error}");
        return await output;
    }

    public static async Task<JsonNode> JsonAsync(CancellationToken ct, params string[] args) => JsonNode.Parse(await RunAsync(ct, args))!;

    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var floats = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
        return floats;
    }

    public static void WriteFloats(string path, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(bytes);
        File.WriteAllBytes(path, bytes);
    }
}

/// <summary>A temporary folder deleted at dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "comfysharp-image-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
