using System.Buffers.Binary;
using System.Globalization;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// Builds an ONNX graph node by node and writes it as a ModelProto. Weights are declared, not embedded: each is an
/// initializer marked as external data pointing into the checkpoint file (<see cref="CheckpointWeights"/>), so the
/// serialized model stays a few hundred kilobytes whatever the checkpoint. Small constants (shapes, scalars) are embedded.
/// </summary>
internal sealed partial class OnnxGraph
{
    /// <summary>ONNX IR version 8 with opset 17: LayerNormalization is standard, and ONNX Runtime 1.31 runs both.</summary>
    public const long IrVersion = 8;
    public const long Opset = 17;

    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _constants = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private readonly List<ProtoWriter> _weightProtos = [];
    private readonly Dictionary<string, (Value Value, long[] Shape)> _weights = new(StringComparer.Ordinal);
    private readonly string _name;
    private readonly IWeightCatalog? _catalog;
    private int _counter;

    public OnnxGraph(string name, IWeightCatalog? weights = null)
    {
        _name = name;
        _catalog = weights;
    }

    /// <summary>Folder of the files the weights point into (null when the graph has no weights).</summary>
    public string? WeightFolder => _weights.Count > 0 ? _catalog!.Folder : null;

    public int WeightCount => _weights.Count;

    public int NodeCount => _nodes.Count;

    /// <summary>A graph input; a dimension is a number or a symbolic name ("batch").</summary>
    public Value Input(string name, OnnxDataType type, params object[] dims)
    {
        _inputs.Add(ValueInfo(name, type, dims));
        return new Value(name);
    }

    /// <summary>Marks <paramref name="value"/> as a graph output under <paramref name="name"/>.</summary>
    public void Output(Value value, string name, OnnxDataType type, params object[] dims)
    {
        if (value.Name != name) Node("Identity", [value], [new Value(name)], []);
        _outputs.Add(ValueInfo(name, type, dims));
    }

    /// <summary>
    /// The checkpoint tensor <paramref name="key"/> as a float32 value of <paramref name="shape"/> (same element count as
    /// stored; a reshape is free). F16/BF16 weights get a Cast, which ONNX Runtime folds into one float32 copy.
    /// </summary>
    public Value Weight(string key, long[] shape)
    {
        if (_weights.TryGetValue(key, out var existing))
        {
            if (!existing.Shape.AsSpan().SequenceEqual(shape)) throw new InvalidOperationException($"Weight '{key}' declared with two shapes.");
            return existing.Value;
        }
        if (_catalog is null) throw new InvalidOperationException("This graph was built without a weight catalog.");
        var location = _catalog.Locate(key);
        long count = 1;
        foreach (var d in shape) count *= d;
        if (location.ElementCount != count)
        {
            throw new Safetensors.SafetensorsException(location.FileName,
                $"tensor '{key}' has {location.ElementCount} elements, the model needs [{string.Join(", ", shape)}]");
        }

        var stored = location.DType switch
        {
            Safetensors.SafetensorsDType.F32 => OnnxDataType.Float,
            Safetensors.SafetensorsDType.F16 => OnnxDataType.Float16,
            _ => OnnxDataType.BFloat16,
        };
        var name = "w" + _weights.Count.ToString(CultureInfo.InvariantCulture);
        _weightProtos.Add(ExternalTensor(name, stored, shape, location));
        var value = stored == OnnxDataType.Float ? new Value(name) : Op("Cast", [new Value(name)], Attr.Int("to", (long)OnnxDataType.Float));
        _weights.Add(key, (value, shape));
        return value;
    }

    public Value Constant(float[] values, params long[] shape)
    {
        var raw = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return EmbeddedTensor(OnnxDataType.Float, shape, raw);
    }

    public Value Scalar(float value) => Constant([value]);

    public Value ConstantInt64(params long[] values)
    {
        var raw = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        return EmbeddedTensor(OnnxDataType.Int64, [values.Length], raw);
    }

    private Value EmbeddedTensor(OnnxDataType type, long[] shape, byte[] raw)
    {
        var name = Fresh("const");
        var t = new ProtoWriter();
        t.PackedInt64(OnnxFields.Tensor.Dims, shape);
        t.Int64(OnnxFields.Tensor.DataType, (long)type);
        t.String(OnnxFields.Tensor.Name, name);
        t.Bytes(OnnxFields.Tensor.RawData, raw);
        _constants.Add(t);
        return new Value(name);
    }

    /// <summary>Adds a node with one output.</summary>
    public Value Op(string opType, Value[] inputs, params Attr[] attributes)
    {
        var output = new Value(Fresh(opType));
        Node(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>Adds a node with several outputs.</summary>
    public Value[] Op(string opType, int outputCount, Value[] inputs, params Attr[] attributes)
    {
        var outputs = new Value[outputCount];
        for (var i = 0; i < outputCount; i++) outputs[i] = new Value(Fresh(opType));
        Node(opType, inputs, outputs, attributes);
        return outputs;
    }

    private void Node(string opType, Value[] inputs, Value[] outputs, Attr[] attributes)
    {
        var n = new ProtoWriter();
        foreach (var i in inputs) n.String(OnnxFields.Node.Input, i.Name);
        foreach (var o in outputs) n.String(OnnxFields.Node.Output, o.Name);
        n.String(OnnxFields.Node.Name, "n" + _nodes.Count.ToString(CultureInfo.InvariantCulture));
        n.String(OnnxFields.Node.OpType, opType);
        foreach (var a in attributes)
        {
            var attr = new ProtoWriter();
            a.WriteTo(attr);
            n.Message(OnnxFields.Node.Attribute, attr);
        }
        _nodes.Add(n);
    }

    private string Fresh(string prefix) => prefix + "_" + (_counter++).ToString(CultureInfo.InvariantCulture);

    /// <summary>The serialized ModelProto.</summary>
    public byte[] ToModel()
    {
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(OnnxFields.Graph.Node, n);
        graph.String(OnnxFields.Graph.Name, _name);
        foreach (var c in _constants) graph.Message(OnnxFields.Graph.Initializer, c);
        foreach (var w in _weightProtos) graph.Message(OnnxFields.Graph.Initializer, w);
        foreach (var i in _inputs) graph.Message(OnnxFields.Graph.Input, i);
        foreach (var o in _outputs) graph.Message(OnnxFields.Graph.Output, o);

        var opset = new ProtoWriter();
        opset.String(OnnxFields.OperatorSet.Domain, "");
        opset.Int64(OnnxFields.OperatorSet.Version, Opset);

        var model = new ProtoWriter();
        model.Int64(OnnxFields.Model.IrVersion, IrVersion);
        model.String(OnnxFields.Model.ProducerName, "ComfySharp");
        model.Message(OnnxFields.Model.Graph, graph);
        model.Message(OnnxFields.Model.OpsetImport, opset);
        return model.ToArray();
    }

    /// <summary>An initializer whose bytes are a range of a file in the weight folder (ONNX external data).</summary>
    private static ProtoWriter ExternalTensor(string name, OnnxDataType type, long[] shape, WeightLocation location)
    {
        var t = new ProtoWriter();
        t.PackedInt64(OnnxFields.Tensor.Dims, shape);
        t.Int64(OnnxFields.Tensor.DataType, (long)type);
        t.String(OnnxFields.Tensor.Name, name);
        t.Message(OnnxFields.Tensor.ExternalData, Entry("location", location.FileName));
        t.Message(OnnxFields.Tensor.ExternalData, Entry("offset", location.Offset.ToString(CultureInfo.InvariantCulture)));
        t.Message(OnnxFields.Tensor.ExternalData, Entry("length", location.ByteLength.ToString(CultureInfo.InvariantCulture)));
        t.Int64(OnnxFields.Tensor.DataLocation, OnnxFields.Tensor.LocationExternal);
        return t;
    }

    private static ProtoWriter Entry(string key, string value)
    {
        var e = new ProtoWriter();
        e.String(OnnxFields.StringStringEntry.Key, key);
        e.String(OnnxFields.StringStringEntry.Value, value);
        return e;
    }

    private static ProtoWriter ValueInfo(string name, OnnxDataType type, object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims)
        {
            var dim = new ProtoWriter();
            if (d is string symbol) dim.String(OnnxFields.TypeProto.DimParam, symbol);
            else dim.Int64(OnnxFields.TypeProto.DimValue, Convert.ToInt64(d, CultureInfo.InvariantCulture));
            shape.Message(OnnxFields.TypeProto.Dim, dim);
        }
        var tensor = new ProtoWriter();
        tensor.Int64(OnnxFields.TypeProto.ElemType, (long)type);
        tensor.Message(OnnxFields.TypeProto.Shape, shape);
        var typeProto = new ProtoWriter();
        typeProto.Message(OnnxFields.TypeProto.TensorType, tensor);

        var info = new ProtoWriter();
        info.String(OnnxFields.ValueInfo.Name, name);
        info.Message(OnnxFields.ValueInfo.Type, typeProto);
        return info;
    }
}
