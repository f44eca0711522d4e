using System.Numerics.Tensors;

namespace ComfySharp.Engine.Tensors;

/// <summary>
/// A dense float32 tensor in row-major order. IMAGE is [B,H,W,C] in 0..1, MASK is [B,H,W], latents [B,C,H,W].
/// Values passed between nodes are shared, never copied: operations return new tensors and leave inputs untouched.
/// </summary>
public sealed class Tensor
{
    private readonly float[] _data;

    public Tensor(int[] shape, float[] data)
    {
        if (ElementCount(shape) != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] does not hold {data.Length} elements.", nameof(data));
        }
        Shape = shape;
        _data = data;
    }

    public int[] Shape { get; }
    public int Rank => Shape.Length;
    public int Length => _data.Length;
    public ReadOnlySpan<float> Span => _data;
    /// <summary>Writable view for code that just created this tensor and has not shared it yet.</summary>
    public Span<float> MutableSpan => _data;

    public static Tensor Zeros(params int[] shape) => new(shape, new float[ElementCount(shape)]);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = Zeros(shape);
        t._data.AsSpan().Fill(value);
        return t;
    }

    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        var n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException("Negative dimension.", nameof(shape));
            n = checked(n * d);
        }
        return n;
    }

    public bool SameShape(Tensor other) => Shape.AsSpan().SequenceEqual(other.Shape);

    public float Min() => _data.Length == 0 ? 0 : TensorPrimitives.Min(_data);

    public float Max() => _data.Length == 0 ? 0 : TensorPrimitives.Max(_data);

    public float Mean() => _data.Length == 0 ? 0 : TensorPrimitives.Sum(_data) / _data.Length;

    public Tensor Multiply(float scalar)
    {
        var result = new float[_data.Length];
        TensorPrimitives.Multiply(_data, scalar, result);
        return new Tensor((int[])Shape.Clone(), result);
    }

    public Tensor Multiply(Tensor other)
    {
        RequireSameShape(other);
        var result = new float[_data.Length];
        TensorPrimitives.Multiply(_data, other._data, result);
        return new Tensor((int[])Shape.Clone(), result);
    }

    public Tensor Add(Tensor other)
    {
        RequireSameShape(other);
        var result = new float[_data.Length];
        TensorPrimitives.Add(_data, other._data, result);
        return new Tensor((int[])Shape.Clone(), result);
    }

    public Tensor Reshape(params int[] shape) => new(shape, _data);

    public override string ToString() => $"Tensor[{string.Join(", ", Shape)}]";

    private void RequireSameShape(Tensor other)
    {
        if (!SameShape(other))
        {
            throw new InvalidOperationException(
                $"The size of tensor a ([{string.Join(", ", Shape)}]) must match the size of tensor b ([{string.Join(", ", other.Shape)}]).");
        }
    }
}
