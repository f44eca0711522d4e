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

    /// <summary>
    /// The shape two shapes broadcast to under torch's rules: aligned from the last dimension, each pair equal or one of them 1.
    /// </summary>
    public static int[] BroadcastShapes(int[] a, int[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (var i = 1; i <= rank; i++)
        {
            var da = i <= a.Length ? a[^i] : 1;
            var db = i <= b.Length ? b[^i] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw new InvalidOperationException(
                    $"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {rank - i}");
            }
            shape[rank - i] = da == 1 ? db : da;
        }
        return shape;
    }

    /// <summary>This tensor repeated along its size-1 (or missing leading) dimensions to <paramref name="shape"/>, like torch's <c>expand</c>
    /// but materialized; the same instance when the shape already matches.</summary>
    public Tensor BroadcastTo(params int[] shape)
    {
        if (Shape.AsSpan().SequenceEqual(shape)) return this;
        var rank = shape.Length;
        if (Rank > rank) throw new InvalidOperationException($"Cannot broadcast [{string.Join(", ", Shape)}] to [{string.Join(", ", shape)}].");
        // Source stride per output dimension; 0 where the source repeats.
        var strides = new int[rank];
        var stride = 1;
        for (var i = 1; i <= rank; i++)
        {
            var source = i <= Rank ? Shape[^i] : 1;
            if (source != shape[^i] && source != 1)
            {
                throw new InvalidOperationException($"Cannot broadcast [{string.Join(", ", Shape)}] to [{string.Join(", ", shape)}].");
            }
            strides[rank - i] = source == 1 ? 0 : stride;
            stride *= source;
        }
        var result = new float[ElementCount(shape)];
        if (result.Length == 0 || rank == 0) return new Tensor((int[])shape.Clone(), result);
        var inner = shape[^1];
        var index = new int[rank];
        var offset = 0;
        for (var start = 0; start < result.Length; start += inner)
        {
            var row = result.AsSpan(start, inner);
            if (strides[^1] == 1) _data.AsSpan(offset, inner).CopyTo(row);
            else row.Fill(_data[offset]);
            for (var d = rank - 2; d >= 0; d--)
            {
                offset += strides[d];
                if (++index[d] < shape[d]) break;
                offset -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
        return new Tensor((int[])shape.Clone(), result);
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
