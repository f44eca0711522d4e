using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace ComfySharp.Diffusion.Safetensors;

/// <summary>
/// A safetensors file mapped read-only into memory. Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON,
/// then the tensor data. Opening checks the whole header (see <see cref="SafetensorsHeader"/>), so every tensor handed
/// out lies inside the mapping. Pointers from <see cref="Pointer"/> stay valid until this object is disposed: whoever
/// gives them to ONNX Runtime must dispose the sessions first.
/// </summary>
internal sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>The reference implementation's limit; a longer header is a corrupt or hostile file.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, TensorEntry> _byName;
    private byte* _base;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, long length)
    {
        Path = path;
        FileName = System.IO.Path.GetFileName(path);
        _map = map;
        _view = view;
        _base = basePointer;
        Length = length;
        _byName = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        Tensors = [];
        Metadata = new Dictionary<string, string>();
    }

    public string Path { get; }
    public string FileName { get; }
    /// <summary>File size in bytes.</summary>
    public long Length { get; }
    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; private set; }
    public IReadOnlyDictionary<string, string> Metadata { get; private set; }

    public static SafetensorsFile Open(string path)
    {
        var fileName = System.IO.Path.GetFileName(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafetensorsException(fileName, e is FileNotFoundException ? "the file does not exist" : "the file cannot be opened", e);
        }

        var length = stream.Length;
        if (length < 8)
        {
            stream.Dispose();
            throw new SafetensorsException(fileName, $"the file has {length} bytes, too short for the 8-byte header length");
        }

        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        SafetensorsFile? file = null;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            file = new SafetensorsFile(path, map, view, pointer, length);
            file.ReadHeader();
            return file;
        }
        catch
        {
            if (file is not null) file.Dispose();
            else
            {
                view?.Dispose();
                map.Dispose();
            }
            throw;
        }
    }

    private void ReadHeader()
    {
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_base, 8));
        if (headerLength > MaxHeaderLength)
        {
            throw new SafetensorsException(FileName, $"the header claims {headerLength} bytes, more than the {MaxHeaderLength}-byte limit");
        }
        if ((long)headerLength > Length - 8)
        {
            throw new SafetensorsException(FileName,
                $"the header claims {headerLength} bytes but the file has only {Length - 8} after the length field (truncated file?)");
        }
        if (headerLength < 2)
        {
            throw new SafetensorsException(FileName, $"the header is {headerLength} bytes, too short for a JSON object");
        }

        var json = new ReadOnlySpan<byte>(_base + 8, (int)headerLength);
        var dataStart = 8 + (long)headerLength;
        var (tensors, metadata) = SafetensorsHeader.Parse(FileName, json, dataStart, Length - dataStart);
        foreach (var entry in tensors) _byName.Add(entry.Name, entry);
        Tensors = tensors;
        Metadata = metadata;
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGet(string name, out TensorEntry entry) => _byName.TryGetValue(name, out entry!);

    public TensorEntry Get(string name)
        => _byName.TryGetValue(name, out var entry) ? entry : throw new SafetensorsException(FileName, $"it has no tensor '{name}'");

    /// <summary>The tensor's stored bytes, straight from the mapping.</summary>
    public ReadOnlySpan<byte> Bytes(TensorEntry entry)
    {
        ObjectDisposedException.ThrowIf(_base == null, this);
        if (entry.ByteLength > int.MaxValue)
        {
            throw new SafetensorsException(FileName, $"tensor '{entry.Name}' is larger than 2 GB and cannot be read as one span");
        }
        return new ReadOnlySpan<byte>(_base + entry.Offset, (int)entry.ByteLength);
    }

    /// <summary>Address of the tensor's first byte inside the mapping (valid until <see cref="Dispose"/>).</summary>
    public IntPtr Pointer(TensorEntry entry)
    {
        ObjectDisposedException.ThrowIf(_base == null, this);
        return (IntPtr)(_base + entry.Offset);
    }

    /// <summary>The tensor as float32, converting F16 and BF16.</summary>
    public float[] ReadFloat32(TensorEntry entry)
    {
        var result = new float[entry.ElementCount];
        ReadFloat32(entry, result);
        return result;
    }

    public float[] ReadFloat32(string name) => ReadFloat32(Get(name));

    public void ReadFloat32(TensorEntry entry, Span<float> destination)
    {
        if (!entry.DType.IsWeightType())
        {
            throw new SafetensorsException(FileName, $"tensor '{entry.Name}' is {entry.DType.Name()}; weights must be F32, F16 or BF16");
        }
        if (destination.Length != entry.ElementCount)
        {
            throw new ArgumentException($"Destination holds {destination.Length} elements, tensor '{entry.Name}' has {entry.ElementCount}.", nameof(destination));
        }
        WeightConversion.ToFloat32(entry.DType, Bytes(entry), destination);
    }

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
