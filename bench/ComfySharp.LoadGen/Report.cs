using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ComfySharp.LoadGen;

/// <summary>A scenario's result block, printed as aligned plain text or (with <c>--json</c>) as one JSON object.</summary>
internal sealed class Report(string title)
{
    private readonly List<ReportEntry> _entries = [];

    public string Title { get; } = title;

    /// <summary>The scenario could not measure what it was asked to (rejected prompt, timeout); the exit code is then 1.</summary>
    public bool Failed { get; set; }

    /// <summary>A block whose JSON form starts with the scenario's name and the server URL, both already in the title.</summary>
    public static Report For(string scenario, Uri? url, string detail = "")
    {
        var title = scenario + (url is null ? "" : "  " + url.AbsoluteUri.TrimEnd('/')) + (detail.Length == 0 ? "" : "  (" + detail + ")");
        var report = new Report(title).Add("scenario", "", scenario);
        return url is null ? report : report.Add("url", "", url.AbsoluteUri.TrimEnd('/'));
    }

    public Report Add(string key, string label, long value) => Add(new ReportEntry(key, label, value, ""));

    public Report Add(string key, string label, double value, string format = "0.000") => Add(new ReportEntry(key, label, value, format));

    public Report Add(string key, string label, string value) => Add(new ReportEntry(key, label, value, ""));

    public Report Add(string key, string label, bool value) => Add(new ReportEntry(key, label, value, ""));

    /// <summary>Millisecond percentiles, printed with microsecond resolution.</summary>
    public Report Add(string key, string label, Percentiles value) => Add(new ReportEntry(key, label, value, "0.000"));

    /// <summary>A row of a table such as one chain length; all rows under one key form a JSON array.</summary>
    public Report AddRow(string key, Report row)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key && entry.Value is List<Report> rows)
            {
                rows.Add(row);
                return this;
            }
        }
        return Add(new ReportEntry(key, "", new List<Report> { row }, ""));
    }

    public void WriteTo(TextWriter output, bool json)
    {
        if (json)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                WriteJson(writer);
            }
            output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            return;
        }
        output.WriteLine(Title);
        WriteText(output, "  ");
    }

    private Report Add(ReportEntry entry)
    {
        _entries.Add(entry);
        return this;
    }

    private void WriteText(TextWriter output, string indent)
    {
        var width = 0;
        foreach (var entry in _entries) width = Math.Max(width, entry.Label.Length);
        foreach (var entry in _entries)
        {
            if (entry.Label.Length == 0 && entry.Value is not List<Report>) continue; // JSON only, e.g. the scenario name

            if (entry.Value is List<Report> rows)
            {
                foreach (var row in rows)
                {
                    output.WriteLine(indent + row.Title);
                    row.WriteText(output, indent + "  ");
                }
                continue;
            }
            // Continuation lines of a multi-line value (a response body, process output) line up under its first line.
            var lines = Text(entry).Split('\n');
            output.WriteLine((indent + entry.Label.PadRight(width + 2) + lines[0]).TrimEnd());
            for (var i = 1; i < lines.Length; i++) output.WriteLine((indent + new string(' ', width + 2) + lines[i]).TrimEnd());
        }
    }

    private static string Text(ReportEntry entry) => entry.Value switch
    {
        Percentiles p when p.Count == 0 => "no samples",
        Percentiles p => string.Create(CultureInfo.InvariantCulture,
            $"p50 {p.P50.ToString(entry.Format, CultureInfo.InvariantCulture)}  p90 {p.P90.ToString(entry.Format, CultureInfo.InvariantCulture)}  p99 {p.P99.ToString(entry.Format, CultureInfo.InvariantCulture)}  max {p.Max.ToString(entry.Format, CultureInfo.InvariantCulture)}  mean {p.Mean.ToString(entry.Format, CultureInfo.InvariantCulture)}  (n={p.Count})"),
        double d => d.ToString(entry.Format, CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        _ => entry.Value.ToString() ?? "",
    };

    private void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var entry in _entries)
        {
            switch (entry.Value)
            {
                case List<Report> rows:
                    writer.WriteStartArray(entry.Key);
                    foreach (var row in rows) row.WriteJson(writer);
                    writer.WriteEndArray();
                    break;
                case Percentiles p:
                    writer.WriteStartObject(entry.Key);
                    writer.WriteNumber("n", p.Count);
                    writer.WriteNumber("p50", Round(p.P50));
                    writer.WriteNumber("p90", Round(p.P90));
                    writer.WriteNumber("p99", Round(p.P99));
                    writer.WriteNumber("max", Round(p.Max));
                    writer.WriteNumber("mean", Round(p.Mean));
                    writer.WriteEndObject();
                    break;
                case double d:
                    writer.WriteNumber(entry.Key, Round(d));
                    break;
                case long l:
                    writer.WriteNumber(entry.Key, l);
                    break;
                case bool b:
                    writer.WriteBoolean(entry.Key, b);
                    break;
                default:
                    writer.WriteString(entry.Key, entry.Value.ToString());
                    break;
            }
        }
        writer.WriteEndObject();
    }

    // Microsecond resolution for milliseconds; more digits would only be noise.
    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : 0;
}
