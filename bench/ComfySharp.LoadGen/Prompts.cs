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

    /// <summary>
    /// <see cref="Trivial"/> bodies whose values are <c>{prefix}{n}</c>, for a poster's hot loop: the bytes around the number
    /// are written once by <see cref="Trivial"/>, and each body splices the number's digits (which JSON never escapes) between
    /// them, byte for byte what <see cref="Trivial"/> would write, without a JSON writer and its buffers per prompt.
    /// </summary>
    internal sealed class TrivialSeries
    {
        private readonly byte[] _head; // up to the value's opening quote and the prefix
        private readonly byte[] _tail; // from the value's closing quote

        public TrivialSeries(string prefix, string clientId)
        {
            // A control character is written escaped, as \u0001, so it marks the place in the bytes unambiguously.
            var marked = Trivial(prefix + "\u0001", clientId);
            var at = marked.AsSpan().IndexOf("\\u0001"u8);
            _head = marked[..at];
            _tail = marked[(at + 6)..];
            if (!Body(0).AsSpan().SequenceEqual(Trivial(prefix + "0", clientId))) throw new InvalidOperationException("The splice differs from the writer's body.");
        }

        /// <summary>The body whose value is the prefix followed by <paramref name="n"/>.</summary>
        public byte[] Body(int n)
        {
            Span<byte> digits = stackalloc byte[11];
            n.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
            var body = new byte[_head.Length + length + _tail.Length];
            _head.CopyTo(body, 0);
            digits[..length].CopyTo(body.AsSpan(_head.Length));
            _tail.CopyTo(body, _head.Length + length);
            return body;
        }
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
