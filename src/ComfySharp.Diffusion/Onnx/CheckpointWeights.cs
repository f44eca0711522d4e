using System.Collections.Concurrent;
using ComfySharp.Diffusion.Safetensors;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// Weights straight from a mapped safetensors file. An F32 tensor is handed to ONNX Runtime as an OrtValue over the
/// mapped bytes (no copy); F16 and BF16 tensors are converted once to float32, since the graphs compute in float32 on
/// the CPU. Values are made on first use and shared by every session that needs them.
/// </summary>
internal sealed class CheckpointWeights : IWeightSource, IDisposable
{
    private readonly SafetensorsFile _file;
    private readonly Func<string, string> _keyMap;
    private readonly ConcurrentDictionary<string, OrtValue> _values = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _convertedBytes;

    /// <param name="keyMap">Maps a graph's key to the file's (e.g. for older CLIP keys without "text_model.").</param>
    public CheckpointWeights(SafetensorsFile file, Func<string, string>? keyMap = null)
    {
        _file = file;
        _keyMap = keyMap ?? (k => k);
    }

    public SafetensorsFile File => _file;

    /// <summary>Bytes of float32 copies made for weights stored as F16/BF16 (zero for an F32 checkpoint).</summary>
    public long ConvertedBytes => Interlocked.Read(ref _convertedBytes);

    public OrtValue Get(string key, long[] shape)
    {
        if (_values.TryGetValue(key, out var value)) return value;
        lock (_lock)
        {
            if (_values.TryGetValue(key, out value)) return value;
            value = Create(key, shape);
            _values[key] = value;
            return value;
        }
    }

    private OrtValue Create(string key, long[] shape)
    {
        var entry = _file.Get(_keyMap(key));
        long expected = 1;
        foreach (var d in shape) expected *= d;
        if (entry.ElementCount != expected)
        {
            throw new SafetensorsException(_file.FileName,
                $"tensor '{entry.Name}' has shape {entry.ShapeText}, the model needs [{string.Join(", ", shape)}]");
        }

        var pointer = _file.Pointer(entry);
        if (entry.DType == SafetensorsDType.F32 && BitConverter.IsLittleEndian && pointer % 4 == 0)
        {
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, shape, pointer, entry.ByteLength);
        }
        var data = _file.ReadFloat32(entry);
        Interlocked.Add(ref _convertedBytes, data.LongLength * 4);
        return OrtValue.CreateTensorValueFromMemory(data, shape);
    }

    public void Dispose()
    {
        foreach (var v in _values.Values) v.Dispose();
        _values.Clear();
    }
}
