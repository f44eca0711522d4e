using System.Buffers.Binary;
using System.Globalization;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// Builds an ONNX graph node by node and writes it as a ModelProto. Weights are declared, not embedded: each is an
/// initializer without data, whose bytes ONNX Runtime gets from the session options
/// (<see cref="OnnxSessionFactory"/>), so the serialized model stays a few hundred kilobytes whatever the checkpoint.
/// Small constants (shapes, scalars) are embedded.
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
    private readonly Dictionary<string, WeightRef> _weights = new(StringComparer.Ordinal);
    private readonly string _name;
    private int _counter;

    public OnnxGraph(string name)
    {
        _name = name;
    }

    public IReadOnlyCollection<WeightRef> Weights => _weights.Values;

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

    /// <summary>A float32 weight supplied at session creation from the checkpoint tensor <paramref name="key"/>.</summary>
    public Value Weight(string key, long[] shape)
    {
        if (_weights.TryGetValue(key, out var existing))
        {
            if (!existing.Shape.AsSpan().SequenceEqual(shape)) throw new InvalidOperationException($"Weight '{key}' declared with two shapes.");
            return new Value(existing.Name);
        }
        var weight = new WeightRef(key, key, shape);
        _weights.Add(key, weight);
        return new Value(weight.Name);
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
        foreach (var w in _weights.Values) graph.Message(OnnxFields.Graph.Initializer, ExternalTensor(w));
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

    /// <summary>
    /// An initializer with a name, type and shape but no data: ONNX Runtime uses the OrtValue of the same name given to
    /// <c>SessionOptions.AddInitializer</c> instead. (Marking it as external data instead makes ONNX Runtime look for the
    /// file at load time, and <c>AddExternalInitializers</c> copies the data into the graph.)
    /// </summary>
    private static ProtoWriter ExternalTensor(WeightRef w)
    {
        var t = new ProtoWriter();
        t.PackedInt64(OnnxFields.Tensor.Dims, w.Shape);
        t.Int64(OnnxFields.Tensor.DataType, (long)OnnxDataType.Float);
        t.String(OnnxFields.Tensor.Name, w.Name);
        return t;
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
