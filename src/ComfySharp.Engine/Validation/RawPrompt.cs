using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Runtime.CompilerServices;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Validation;

/// <summary>
/// A prompt read straight from its UTF-8 JSON, without a <see cref="JsonNode"/> tree: each node's id, class, title and
/// inputs as plain values, and the prompt re-written in the form the queue stores (what <see cref="JsonNode.WriteTo"/>
/// writes for the parsed prompt). On long graphs the tree cost more than the rest of the request path, and it stayed
/// alive, so every collection until the prompt finished copied it.
/// </summary>
/// <remarks>
/// Only the usual shape is read: every node an object with a <c>class_type</c> string and an <c>inputs</c> object, no
/// property twice. Anything else is refused, and the caller parses the prompt as JSON and validates it the full way, so
/// every error keeps its text and shape.
/// </remarks>
public sealed class RawPrompt
{
    private RawPrompt(List<PromptNode> nodes, Dictionary<string, int> indexById, byte[] utf8)
    {
        Nodes = nodes;
        IndexById = indexById;
        Utf8 = utf8;
    }

    /// <summary>
    /// The nodes in the client's order, as <see cref="PromptValidator.TryValidate"/> hands them on: inputs are strings,
    /// bools, longs, nulls and links as read, any other value the JSON tree's node for it (typed by that validation).
    /// </summary>
    internal List<PromptNode> Nodes { get; }

    /// <summary>Each node's position in <see cref="Nodes"/>.</summary>
    internal Dictionary<string, int> IndexById { get; }

    /// <summary>The prompt as the queue stores it: minimal JSON, strings escaped as <see cref="Utf8JsonWriter"/> escapes them.</summary>
    public byte[] Utf8 { get; }

    /// <summary>The prompt as a JSON tree, for the full validator.</summary>
    public JsonObject ToJson() => JsonNode.Parse(Utf8)!.AsObject();

    /// <summary>
    /// Reads the prompt object the reader is on (a <see cref="JsonTokenType.StartObject"/> token of <paramref name="json"/>)
    /// and leaves the reader on its end. False when the prompt has another shape; the reader is then where it stopped.
    /// Throws <see cref="JsonException"/> for invalid JSON.
    /// </summary>
    // Runs once per prompt over every node: compiled optimized at once, as its loop would otherwise run tier-0 code
    // for the first dozens of prompts (tiering counts calls, and this one is called once per prompt).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRead(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, out RawPrompt? prompt)
    {
        prompt = null;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var start = (int)reader.TokenStartIndex;
        var nodes = new List<PromptNode>();
        var names = t_names ??= new Names();
        names.Start();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var id = names.Get(ref reader);
            reader.Read();
            if (!TryReadNode(id, ref reader, names, out var node)) return false;
            nodes.Add(node!);
        }
        // Made once the count is known (a table grown node by node left its smaller copies behind); a repeated id is refused.
        var indexById = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!indexById.TryAdd(nodes[i].Id, i)) return false;
        }
        prompt = new RawPrompt(nodes, indexById, Normalize(json[start..(int)reader.BytesConsumed]));
        return true;
    }

    private static bool TryReadNode(string id, ref Utf8JsonReader reader, Names names, out PromptNode? node)
    {
        node = null;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        string? classType = null;
        string? title = null;
        InputDictionary? inputs = null;
        var seen = 0; // bits: class_type, inputs, _meta
        List<string>? others = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("class_type"u8))
            {
                if (!Once(ref seen, 1)) return false;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) return false;
                classType = names.Get(ref reader);
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                if (!Once(ref seen, 2)) return false;
                reader.Read();
                if (!TryReadInputs(ref reader, names, out var read)) return false;
                inputs = read;
            }
            else if (reader.ValueTextEquals("_meta"u8))
            {
                if (!Once(ref seen, 4)) return false;
                reader.Read();
                if (!TryReadTitle(ref reader, out title)) return false;
            }
            else
            {
                // Other properties travel with the prompt JSON; only a repeated one matters (the JSON tree refuses it).
                var name = reader.GetString()!;
                if (others is null) others = [name];
                else if (others.Contains(name)) return false;
                else others.Add(name);
                reader.Read();
                reader.Skip();
            }
        }
        if (classType is null || inputs is null) return false;
        node = new PromptNode(id, classType, inputs.Value) { Title = title };
        return true;
    }

    private static bool Once(ref int seen, int bit)
    {
        if ((seen & bit) != 0) return false;
        seen |= bit;
        return true;
    }

    /// <summary>ComfyUI's node title: <c>_meta.title</c> when it is a string.</summary>
    private static bool TryReadTitle(ref Utf8JsonReader reader, out string? title)
    {
        title = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return true;
        }
        var names = new List<string>(1);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (names.Contains(name)) return false;
            names.Add(name);
            reader.Read();
            if (name == "title" && reader.TokenType == JsonTokenType.String) title = reader.GetString();
            else reader.Skip();
        }
        return true;
    }

    private static bool TryReadInputs(ref Utf8JsonReader reader, Names names, out InputDictionary inputs)
    {
        inputs = default;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var count = 0;
        var read = names.Inputs;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = names.Get(ref reader);
            for (var i = 0; i < count; i++)
            {
                if (read[i].Name == name) return false;
            }
            reader.Read();
            if (count == read.Length)
            {
                Array.Resize(ref read, count * 2);
                names.Inputs = read;
            }
            read[count++] = ReadValue(name, ref reader, names);
        }
        inputs = names.Store(read.AsSpan(0, count));
        return true;
    }

    private static readonly object True = true;
    private static readonly object False = false;

    private static InputEntry ReadValue(string name, ref Utf8JsonReader reader, Names names)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new(name, reader.GetString());
            case JsonTokenType.True:
                return new(name, True);
            case JsonTokenType.False:
                return new(name, False);
            case JsonTokenType.Null:
                return new(name, null);
            case JsonTokenType.Number when reader.TryGetInt64(out var l) && (l != 0 || reader.ValueSpan[0] != (byte)'-'):
                // An integer as written (-0 is not: the tree writes it back as 0).
                return new(name, l);
            case JsonTokenType.StartArray:
                // A link as clients write it, ["id", slot]; other arrays keep their JSON.
                var copy = reader;
                if (copy.Read() && copy.TokenType == JsonTokenType.String)
                {
                    var source = names.Get(ref copy);
                    if (copy.Read() && copy.TokenType == JsonTokenType.Number && copy.TryGetInt32(out var slot) && slot >= 0 &&
                        copy.Read() && copy.TokenType == JsonTokenType.EndArray)
                    {
                        reader = copy;
                        return new(name, source, slot);
                    }
                }
                break;
        }
        // Floats, large numbers, objects and other arrays: as the JSON tree would hold them, typed by the validation.
        return new(name, JsonNode.Parse(ref reader));
    }

    // One per thread, as reading a prompt never waits: its known names and its chunk go on from one prompt to the next.
    [ThreadStatic] private static Names? t_names;

    /// <summary>
    /// Strings read once: node ids (so a link's source is the id string itself), class types and input names, which repeat
    /// on every node of a long graph and stay with it until it has run, and from one prompt to the next. Plus the scratch
    /// for one node's inputs and the chunk the inputs are kept in.
    /// </summary>
    private sealed class Names
    {
        private const int MaxLength = 256; // chars; longer names are not looked up
        private const int KeptNames = 1024; // past this many, a new prompt starts with none (ids differ between graphs)
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public Names() => _lookup = _known.GetAlternateLookup<ReadOnlySpan<char>>();

        // A node's inputs are read into Inputs, then kept in a chunk shared by many nodes: a long graph's nodes hold their
        // inputs for the whole prompt, and an array each was an object per node for every collection to trace and copy.
        // Chunks start small and double, so a thread that reads one small prompt does not clear 48 KB for it; later
        // prompts fill the rest of a small chunk (a chunk lives while any prompt with inputs in it does), and a large one
        // is let go, so the threads that read prompts do not each hold 48 KB.
        private const int FirstChunkEntries = 16;
        private const int ChunkEntries = 2048; // 48 KB: below the large object heap
        private const int KeptChunkEntries = 256; // 6 KB: a larger chunk is not kept by the thread for its next prompt
        private InputEntry[] _chunk = [];
        private int _chunkUsed;

        public InputEntry[] Inputs { get; set; } = new InputEntry[8];

        public void Start()
        {
            if (_chunk.Length > KeptChunkEntries)
            {
                _chunk = [];
                _chunkUsed = 0;
            }
            if (_known.Count <= KeptNames) return;
            _known.Clear();
            _known.TrimExcess();
        }

        public InputDictionary Store(ReadOnlySpan<InputEntry> entries)
        {
            if (entries.IsEmpty) return InputDictionary.Empty;
            if (_chunk.Length - _chunkUsed < entries.Length)
            {
                var size = Math.Clamp(_chunk.Length * 2, FirstChunkEntries, ChunkEntries);
                _chunk = new InputEntry[Math.Max(size, entries.Length)];
                _chunkUsed = 0;
            }
            entries.CopyTo(_chunk.AsSpan(_chunkUsed));
            var stored = new InputDictionary(_chunk, _chunkUsed, entries.Length);
            _chunkUsed += entries.Length;
            return stored;
        }

        /// <summary>The property name or string the reader is on.</summary>
        public string Get(ref Utf8JsonReader reader)
        {
            if (reader.ValueSpan.Length > MaxLength) return reader.GetString()!;
            Span<char> chars = stackalloc char[MaxLength];
            var length = reader.CopyString(chars);
            if (_lookup.TryGetValue(chars[..length], out var known)) return known;
            var text = new string(chars[..length]);
            _known.Add(text);
            return text;
        }
    }

    /// <summary>The prompt re-written token by token, as the queue wrote the parsed tree: minimal, strings re-escaped.</summary>
    /// <remarks>A prompt already in that form (as a JSON writer with default options writes it) is copied as it is.</remarks>
    internal static byte[] Normalize(ReadOnlySpan<byte> json) => IsNormal(json) ? json.ToArray() : Rewrite(json);

    /// <summary>
    /// Whether <see cref="Rewrite"/> would give back <paramref name="json"/> (valid JSON) unchanged: no whitespace between
    /// tokens, no string (names included) with an escape or a character the writer's encoder escapes, and no deeper nesting
    /// than the writer takes. One vectorized pass instead of reading and writing every token.
    /// </summary>
    // Once per prompt over its whole text: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsNormal(ReadOnlySpan<byte> json)
    {
        // Bytes never in such a text, wherever they stand (escapes, non-ASCII, controls, what the encoder escapes), found by
        // one vectorized search; what remains is told apart by whether it stands in a string: spaces and '+' may only stand
        // in a string or a number, and nesting counts outside strings.
        if (json.ContainsAny(NeverNormal)) return false;
        var depth = 0;
        var inString = false;
        foreach (var b in json)
        {
            if (inString)
            {
                if (b == (byte)'"') inString = false;
                else if (b == (byte)'+') return false;
                continue;
            }
            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    if (++depth > MaxNormalDepth) return false;
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    break;
                case (byte)' ':
                    return false; // whitespace between tokens
            }
        }
        return true;
    }

    // Well within the writer's default maximum depth (1,000), past which Rewrite throws: deeper prompts take its way.
    private const int MaxNormalDepth = 64;

    private static readonly SearchValues<byte> NeverNormal = FindNeverNormal();

    // Every byte but the printable ASCII characters the writer's default encoder writes as themselves (asked of the encoder),
    // the space and '+' (which a string may hold only escaped, but a text may hold between strings).
    private static SearchValues<byte> FindNeverNormal()
    {
        var never = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (b is ' ' or '+' or '"') continue;
            var encoded = b < 0x7f ? JsonEncodedText.Encode(((char)b).ToString()).EncodedUtf8Bytes : default;
            if (encoded.Length != 1 || encoded[0] != b) never.Add((byte)b);
        }
        return SearchValues.Create(never.ToArray());
    }

    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static byte[] Rewrite(ReadOnlySpan<byte> json)
    {
        var buffer = new PooledBuffer(json.Length + 256);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4096 });
            using (var writer = new Utf8JsonWriter(buffer))
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                        case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                        case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                        case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                        case JsonTokenType.PropertyName:
                            if (reader.ValueIsEscaped) writer.WritePropertyName(reader.GetString()!);
                            else writer.WritePropertyName(reader.ValueSpan);
                            break;
                        case JsonTokenType.String:
                            if (reader.ValueIsEscaped) writer.WriteStringValue(reader.GetString());
                            else writer.WriteStringValue(reader.ValueSpan);
                            break;
                        case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                        case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                        case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                        case JsonTokenType.Null: writer.WriteNullValue(); break;
                    }
                }
            }
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>A growing buffer of rented arrays: a long prompt's copy would otherwise grow through the large object heap.</summary>
    private sealed class PooledBuffer(int capacity) : IBufferWriter<byte>, IDisposable
    {
        private byte[] _array = ArrayPool<byte>.Shared.Rent(capacity);
        private int _written;

        public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsSpan(_written);
        }

        private void Ensure(int sizeHint)
        {
            if (_array.Length - _written >= Math.Max(sizeHint, 1)) return;
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _written + sizeHint));
            _array.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_array);
    }
}
