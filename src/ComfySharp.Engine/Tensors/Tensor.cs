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

    /// <summary>Uniform random values in [0, 1), like <c>torch.rand</c> (not bit-compatible with torch).</summary>
    public static Tensor Random(Random random, params int[] shape)
    {
        var t = Zeros(shape);
        var span = t._data.AsSpan();
        for (var i = 0; i < span.Length; i++) span[i] = random.NextSingle();
        return t;
    }

    /// <summary><c>1 - x</c>.</summary>
    public Tensor OneMinus()
    {
        var result = new float[_data.Length];
        TensorPrimitives.Negate(_data, result);
        TensorPrimitives.Add(result, 1f, result);
        return new Tensor((int[])Shape.Clone(), result);
    }

    /// <summary>The element-wise mean of tensors of one shape (<c>torch.stack(xs).mean(0)</c>).</summary>
    public static Tensor Average(IReadOnlyList<Tensor> tensors)
    {
        var first = tensors[0];
        var sum = new float[first.Length];
        foreach (var t in tensors)
        {
            first.RequireSameShape(t);
            TensorPrimitives.Add(sum, t._data, sum);
        }
        TensorPrimitives.Divide(sum, tensors.Count, sum);
        return new Tensor((int[])first.Shape.Clone(), sum);
    }

    /// <summary>Concatenates along the first (batch) dimension.</summary>
    public static Tensor ConcatBatch(IReadOnlyList<Tensor> tensors)
    {
        var first = tensors[0];
        var total = 0;
        foreach (var t in tensors)
        {
            if (!t.Shape.AsSpan(1).SequenceEqual(first.Shape.AsSpan(1)))
            {
                throw new InvalidOperationException($"Sizes of tensors must match except in dimension 0: [{string.Join(", ", first.Shape)}] and [{string.Join(", ", t.Shape)}].");
            }
            total += t.Shape[0];
        }
        var shape = (int[])first.Shape.Clone();
        shape[0] = total;
        var data = new float[ElementCount(shape)];
        var offset = 0;
        foreach (var t in tensors)
        {
            t._data.CopyTo(data, offset);
            offset += t._data.Length;
        }
        return new Tensor(shape, data);
    }

    /// <summary>Item <paramref name="index"/> of the batch, keeping the batch dimension (<c>x[i:i+1]</c>).</summary>
    public Tensor BatchItem(int index)
    {
        var shape = (int[])Shape.Clone();
        shape[0] = 1;
        var per = _data.Length / Shape[0];
        return new Tensor(shape, _data.AsSpan(index * per, per).ToArray());
    }

    public override string ToString() => $"Tensor[{string.Join(", ", Shape)}]";

    public void RequireSameShape(Tensor other)
    {
        if (!SameShape(other))
        {
            throw new InvalidOperationException(
                $"The size of tensor a ([{string.Join(", ", Shape)}]) must match the size of tensor b ([{string.Join(", ", other.Shape)}]).");
        }
    }
}
