namespace ComfySharp.LoadGen;

/// <summary>One line of a result block: a JSON key, a label for the text form, and a value (number, text, flag, percentiles or rows).</summary>
internal sealed record ReportEntry(string Key, string Label, object Value, string Format);
