using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>POST /prompt</c> bodies built only from node classes ComfyUI itself has (comfy_extras/nodes_primitive.py,
/// nodes_string.py, nodes_preview_any.py), written straight to UTF-8 so building them costs the generator little.
/// </summary>
internal static class Prompts
{
    /// <summary><c>PrimitiveString(value) → StringConcatenate(string_a, string_b, delimiter) → PreviewAny(source)</c>.</summary>
    public static byte[] Trivial(string value, string clientId)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("prompt");
            PrimitiveString(w, "1", value);
            StringConcatenate(w, "2", "1", "!");
            PreviewAny(w, "3", "2");
            w.WriteEndObject();
            w.WriteString("client_id", clientId);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>PrimitiveString → <paramref name="length"/> × StringConcatenate → PreviewAny; <paramref name="length"/> + 2 nodes.</summary>
    public static byte[] Chain(int length, string seed, string clientId)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + length * 128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("prompt");
            PrimitiveString(w, "s", seed);
            var previous = "s";
            for (var i = 0; i < length; i++)
            {
                var id = "c" + i.ToString(CultureInfo.InvariantCulture);
                StringConcatenate(w, id, previous, "");
                previous = id;
            }
            PreviewAny(w, "out", previous);
            w.WriteEndObject();
            w.WriteString("client_id", clientId);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void PrimitiveString(Utf8JsonWriter w, string id, string value)
    {
        w.WriteStartObject(id);
        w.WriteString("class_type", "PrimitiveString");
        w.WriteStartObject("inputs");
        w.WriteString("value", value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void StringConcatenate(Utf8JsonWriter w, string id, string source, string suffix)
    {
        w.WriteStartObject(id);
        w.WriteString("class_type", "StringConcatenate");
        w.WriteStartObject("inputs");
        Link(w, "string_a", source);
        w.WriteString("string_b", suffix);
        w.WriteString("delimiter", "");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void PreviewAny(Utf8JsonWriter w, string id, string source)
    {
        w.WriteStartObject(id);
        w.WriteString("class_type", "PreviewAny");
        w.WriteStartObject("inputs");
        Link(w, "source", source);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // A link is [source node id, output index].
    private static void Link(Utf8JsonWriter w, string input, string source)
    {
        w.WriteStartArray(input);
        w.WriteStringValue(source);
        w.WriteNumberValue(0);
        w.WriteEndArray();
    }
}
