using System.Text.Json;
using System.Text.Unicode;

namespace ComfySharp.Diffusion.Safetensors;

/// <summary>
/// Parses and checks a safetensors header: <c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// offsets relative to the first byte after the header. Every entry must lie inside the data section, match its
/// dtype and shape byte for byte, and not overlap another.
/// </summary>
internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    public static (List<TensorEntry> Tensors, Dictionary<string, string> Metadata) Parse(
        string fileName, ReadOnlySpan<byte> json, long dataStart, long dataLength)
    {
        // JsonDocument only checks UTF-8 when a string is decoded, so a corrupt name would surface later as another exception.
        if (!Utf8.IsValid(json))
        {
            throw Fail(fileName, "the header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Fail(fileName, $"the header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(fileName, $"the header is a JSON {Kind(root.ValueKind)}, not an object");
            }

            var tensors = new List<TensorEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(fileName, property.Value, metadata);
                    continue;
                }
                tensors.Add(ReadEntry(fileName, property.Name, property.Value, dataStart, dataLength));
            }
            CheckNoOverlap(fileName, tensors);
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string fileName, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(fileName, $"\"{MetadataKey}\" is a JSON {Kind(value.ValueKind)}, not an object of strings");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail(fileName, $"metadata value \"{item.Name}\" is a JSON {Kind(item.Value.ValueKind)}, not a string");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static TensorEntry ReadEntry(string fileName, string name, JsonElement value, long dataStart, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(fileName, $"tensor '{name}' is described by a JSON {Kind(value.ValueKind)}, not an object");
        }
        if (!value.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String)
        {
            throw Fail(fileName, $"tensor '{name}' has no \"dtype\" string");
        }
        var dtypeText = dtypeJson.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeText, out var dtype))
        {
            throw Fail(fileName, $"tensor '{name}' has unknown dtype \"{dtypeText}\"");
        }

        if (!value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
        {
            throw Fail(fileName, $"tensor '{name}' has no \"shape\" array");
        }
        var shape = new long[shapeJson.GetArrayLength()];
        var i = 0;
        long elements = 1;
        foreach (var dim in shapeJson.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d) || d < 0)
            {
                throw Fail(fileName, $"tensor '{name}' has a shape entry that is not a non-negative integer ({dim.GetRawText()})");
            }
            shape[i++] = d;
            elements = MultiplyOrFail(fileName, name, elements, d);
        }

        if (!value.TryGetProperty("data_offsets", out var offsetsJson) || offsetsJson.ValueKind != JsonValueKind.Array
            || offsetsJson.GetArrayLength() != 2)
        {
            throw Fail(fileName, $"tensor '{name}' has no \"data_offsets\" pair [begin, end]");
        }
        var begin = ReadOffset(fileName, name, offsetsJson[0]);
        var end = ReadOffset(fileName, name, offsetsJson[1]);
        if (end < begin)
        {
            throw Fail(fileName, $"tensor '{name}' ends before it begins (data_offsets [{begin}, {end}])");
        }
        if (end > dataLength)
        {
            throw Fail(fileName,
                $"tensor '{name}' lies outside the file (data_offsets [{begin}, {end}], the data section holds {dataLength} bytes; truncated file?)");
        }

        var expected = MultiplyOrFail(fileName, name, elements, dtype.Size());
        if (end - begin != expected)
        {
            throw Fail(fileName,
                $"tensor '{name}' ({dtype.Name()} {FormatShape(shape)}) needs {expected} bytes but its data_offsets span {end - begin}");
        }
        return new TensorEntry(name, dtype, shape, dataStart + begin, end - begin);
    }

    private static long ReadOffset(string fileName, string name, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Number || !json.TryGetInt64(out var offset) || offset < 0)
        {
            throw Fail(fileName, $"tensor '{name}' has a data offset that is not a non-negative integer ({json.GetRawText()})");
        }
        return offset;
    }

    private static long MultiplyOrFail(string fileName, string name, long a, long b)
    {
        try
        {
            return checked(a * b);
        }
        catch (OverflowException e)
        {
            throw Fail(fileName, $"tensor '{name}' has a shape too large to exist", e);
        }
    }

    private static void CheckNoOverlap(string fileName, List<TensorEntry> tensors)
    {
        var sorted = tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Offset).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            var previous = sorted[i - 1];
            if (sorted[i].Offset < previous.Offset + previous.ByteLength)
            {
                throw Fail(fileName, $"tensors '{previous.Name}' and '{sorted[i].Name}' overlap in the data section");
            }
        }
    }

    private static string FormatShape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "object",
    };

    private static SafetensorsException Fail(string fileName, string problem, Exception? inner = null) => new(fileName, problem, inner);
}
