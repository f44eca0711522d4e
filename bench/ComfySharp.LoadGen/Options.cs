using System.Globalization;

namespace ComfySharp.LoadGen;

/// <summary><c>--name value</c> pairs and bare <c>--flag</c>s, checked against the options a scenario knows.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private Options()
    {
    }

    /// <exception cref="UsageException">An argument is not an option, or an option the scenario does not know.</exception>
    public static Options Parse(ReadOnlySpan<string> args, IReadOnlySet<string> known)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"Unexpected argument '{arg}'.");
            var name = arg[2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            string value;
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else
            {
                value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
            }
            if (!known.Contains(name)) throw new UsageException($"Unknown option --{name}.");
            options._values[name] = value;
        }
        return options;
    }

    /// <summary>The server's base URL without a trailing slash; <c>http://127.0.0.1:8188</c> (ComfyUI's default) when not given.</summary>
    public Uri Url
    {
        get
        {
            var text = String("url", "http://127.0.0.1:8188").TrimEnd('/');
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--url must be an absolute http(s) URL, not '{text}'.");
            }
            return url;
        }
    }

    public bool Json => Flag("json");

    public TimeSpan Timeout => TimeSpan.FromSeconds(Int("timeout", 120, min: 1));

    public string String(string name, string fallback) =>
        _values.TryGetValue(name, out var value) && value.Length > 0 ? value : fallback;

    public string? Required(string name) => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public int Int(string name, int fallback, int min = 0, int max = int.MaxValue)
    {
        if (!_values.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be an integer from {min} to {max}, not '{text}'.");
        }
        return value;
    }

    /// <summary>A comma-separated list such as <c>--nodes 1000,10000</c>.</summary>
    public int[] IntList(string name, int[] fallback, int min = 0)
    {
        if (!_values.TryGetValue(name, out var text)) return fallback;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UsageException($"--{name} needs at least one number.");
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < min)
            {
                throw new UsageException($"--{name} must list integers of at least {min}, not '{text}'.");
            }
        }
        return values;
    }

    public bool Flag(string name) => _values.ContainsKey(name);
}
