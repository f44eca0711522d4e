using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Client;

namespace ComfySharp.Cli;

/// <summary>Options every client command shares, and how a command runs: one client, errors as one line, exit codes.</summary>
internal static class ClientOptions
{
    public const string DefaultServer = "http://127.0.0.1:8188";

    public static readonly Option<string?> Server = new("--server")
    {
        Description = $"The ComfyUI-compatible server (default: COMFYSHARP_SERVER or {DefaultServer}).",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Machine-readable JSON output.", Recursive = true };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Runs <paramref name="action"/> with a client for the chosen server. Any error becomes one line on stderr (and, with
    /// --json, <c>{"error": …}</c> on stdout) and exit code 1; never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(ParseResult result, Func<ComfyClient, bool, Task<int>> action, CancellationToken ct)
    {
        var json = result.GetValue(Json);
        try
        {
            var server = result.GetValue(Server) ?? Environment.GetEnvironmentVariable("COMFYSHARP_SERVER") ?? DefaultServer;
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"--server must be an http:// or https:// URL, not '{server}'.");
            }
            await using var client = new ComfyClient(uri);
            return await action(client, json);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Fail("cancelled", json, 130);
        }
        catch (Exception ex) when (ex is ComfyException or IOException or UnauthorizedAccessException or FormatException or ArgumentException
            or KeyNotFoundException or JsonException)
        {
            return Fail(ex.Message, json, 1, ex as ComfyException);
        }
    }

    public static void WriteJson(JsonNode? node) => Console.Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    private static int Fail(string message, bool json, int code, ComfyException? error = null)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        Console.Error.WriteLine("error: " + line);
        if (json)
        {
            var body = new JsonObject { ["error"] = line };
            if (error is ComfyValidationException v && v.Body is not null) body["server"] = v.Body.DeepClone();
            if (error is ComfyExecutionException e) body["history"] = e.Result.History.Raw.DeepClone();
            WriteJson(body);
        }
        return code;
    }
}
