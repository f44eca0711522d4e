using System.Globalization;

namespace ComfySharp.LoadGen;

/// <summary><c>--name value</c> pairs and bare <c>--flag</c>s.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            var name = args[i][2..];
            options._values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        return options;
    }

    public string Url => String("url", "http://127.0.0.1:8188").TrimEnd('/');

    public string String(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => _values.ContainsKey(name);
}
