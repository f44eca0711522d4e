namespace ComfySharp.Diffusion.Onnx;

/// <summary>Neural-network building blocks as ONNX nodes (opset 17), weights named by checkpoint key.</summary>
internal sealed partial class OnnxGraph
{
    public Value Add(Value a, Value b) => Op("Add", [a, b]);
    public Value Sub(Value a, Value b) => Op("Sub", [a, b]);
    public Value Mul(Value a, Value b) => Op("Mul", [a, b]);
    public Value Div(Value a, Value b) => Op("Div", [a, b]);
    public Value MatMul(Value a, Value b) => Op("MatMul", [a, b]);
    public Value Sigmoid(Value x) => Op("Sigmoid", [x]);
    public Value Relu(Value x) => Op("Relu", [x]);
    public Value Shape(Value x) => Op("Shape", [x]);
    public Value Reshape(Value x, Value shape) => Op("Reshape", [x, shape]);
    public Value Reshape(Value x, params long[] shape) => Reshape(x, ConstantInt64(shape));
    public Value Transpose(Value x, params long[] perm) => Op("Transpose", [x], Attr.IntList("perm", perm));
    public Value Softmax(Value x, long axis = -1) => Op("Softmax", [x], Attr.Int("axis", axis));
    public Value Concat(long axis, params Value[] values) => Op("Concat", values, Attr.Int("axis", axis));

    /// <summary>Elements [start, end) of a 1-D tensor (a shape).</summary>
    public Value Slice(Value x, long start, long end) => SliceAxis(x, start, end, 0);

    /// <summary>Elements [start, end) along <paramref name="axis"/>.</summary>
    public Value SliceAxis(Value x, long start, long end, long axis) => Op("Slice", [x, ConstantInt64(start), ConstantInt64(end), ConstantInt64(axis)]);


    /// <summary>x · sigmoid(x).</summary>
    public Value Silu(Value x) => Mul(x, Sigmoid(x));

    /// <summary>GELU with the exact erf form (PyTorch's default).</summary>
    public Value Gelu(Value x)
    {
        var erf = Op("Erf", [Mul(x, Scalar(1 / MathF.Sqrt(2)))]);
        return Mul(Mul(x, Scalar(0.5f)), Add(erf, Scalar(1)));
    }

    /// <summary>CLIP's x · sigmoid(1.702 x).</summary>
    public Value QuickGelu(Value x) => Mul(x, Sigmoid(Mul(x, Scalar(1.702f))));

    /// <summary>y = x · Wᵀ + b for x of shape [N, in]; W is stored [out, in] as in PyTorch, used without a transposed copy.</summary>
    public Value Linear(Value x, string key, int inDim, int outDim, bool bias = true)
    {
        var w = Weight(key + ".weight", [outDim, inDim]);
        Value[] inputs = bias ? [x, w, Weight(key + ".bias", [outDim])] : [x, w];
        return Op("Gemm", inputs, Attr.Int("transB", 1));
    }

    /// <summary>Linear over the last axis of a [B, T, in] tensor: flattened to [B·T, in] for Gemm, then reshaped to [B, T, out].</summary>
    public Value Linear3d(Value x, string key, int inDim, int outDim, bool bias = true)
    {
        var target = Concat(0, Slice(Shape(x), 0, 2), ConstantInt64(outDim));
        return Reshape(Linear(Reshape(x, -1, inDim), key, inDim, outDim, bias), target);
    }

    /// <summary>2-D convolution, square kernel, symmetric padding; <paramref name="bias"/> false for layers stored without one.</summary>
    public Value Conv(Value x, string key, int inCh, int outCh, int kernel, int stride = 1, int pad = -1, bool bias = true)
    {
        if (pad < 0) pad = kernel / 2;
        var w = Weight(key + ".weight", [outCh, inCh, kernel, kernel]);
        return Op("Conv", bias ? [x, w, Weight(key + ".bias", [outCh])] : [x, w],
            Attr.IntList("kernel_shape", kernel, kernel), Attr.IntList("strides", stride, stride), Attr.IntList("pads", pad, pad, pad, pad));
    }

    /// <summary>
    /// GroupNorm over [B, C, ...]: normalise each group of C/groups channels (population variance), then the
    /// per-channel affine. Built from InstanceNormalization over [B, groups, -1].
    /// </summary>
    public Value GroupNorm(Value x, string key, int channels, int groups = 32, float epsilon = 1e-5f)
    {
        var shape = Shape(x);
        var grouped = Reshape(x, 0, groups, -1);
        var ones = Constant(Enumerable.Repeat(1f, groups).ToArray(), groups);
        var zeros = Constant(new float[groups], groups);
        var normed = Op("InstanceNormalization", [grouped, ones, zeros], Attr.Float("epsilon", epsilon));
        var back = Reshape(normed, shape);
        var gamma = Weight(key + ".weight", [channels, 1, 1]);
        var beta = Weight(key + ".bias", [channels, 1, 1]);
        return Add(Mul(back, gamma), beta);
    }

    /// <summary>LayerNorm over the last axis.</summary>
    public Value LayerNorm(Value x, string key, int width, float epsilon = 1e-5f)
        => Op("LayerNormalization", [x, Weight(key + ".weight", [width]), Weight(key + ".bias", [width])],
            Attr.Int("axis", -1), Attr.Float("epsilon", epsilon));

    /// <summary>Nearest-neighbour 2× upsampling of [B, C, H, W] (PyTorch's interpolate(scale_factor=2, mode="nearest")).</summary>
    public Value Upsample2x(Value x)
        => Op("Resize", [x, new Value(""), Constant([1f, 1f, 2f, 2f], 4)],
            Attr.String("mode", "nearest"), Attr.String("coordinate_transformation_mode", "asymmetric"), Attr.String("nearest_mode", "floor"));

    /// <summary>Nearest-neighbour resize of [B, C, H, W] to the spatial size of <paramref name="like"/> (ComfyUI's Upsample with output_shape).</summary>
    public Value UpsampleLike(Value x, Value like)
    {
        var sizes = Concat(0, Slice(Shape(x), 0, 2), Slice(Shape(like), 2, 4));
        return Op("Resize", [x, new Value(""), new Value(""), sizes],
            Attr.String("mode", "nearest"), Attr.String("coordinate_transformation_mode", "asymmetric"), Attr.String("nearest_mode", "floor"));
    }

    /// <summary>Zero padding of the last two axes: pads = [top, left, bottom, right].</summary>
    public Value Pad2d(Value x, long top, long left, long bottom, long right)
        => Op("Pad", [x, ConstantInt64(0, 0, top, left, 0, 0, bottom, right)], Attr.String("mode", "constant"));

    /// <summary>
    /// Scaled dot-product attention, heads split from the channel axis. q: [B, Tq, heads·d], k and v: [B, Tk, heads·d];
    /// <paramref name="mask"/> (optional) is added to the scores (e.g. CLIP's causal mask).
    /// </summary>
    public Value Attention(Value q, Value k, Value v, int heads, int headDim, Value? mask = null)
    {
        var qh = Transpose(Reshape(q, 0, -1, heads, headDim), 0, 2, 1, 3);   // [B, h, Tq, d]
        var kt = Transpose(Reshape(k, 0, -1, heads, headDim), 0, 2, 3, 1);   // [B, h, d, Tk]
        var vh = Transpose(Reshape(v, 0, -1, heads, headDim), 0, 2, 1, 3);   // [B, h, Tk, d]
        var scores = Mul(MatMul(qh, kt), Scalar(1 / MathF.Sqrt(headDim)));
        if (mask is { } m) scores = Add(scores, m);
        var output = MatMul(Softmax(scores), vh);                            // [B, h, Tq, d]
        return Reshape(Transpose(output, 0, 2, 1, 3), 0, -1, heads * headDim);
    }
}
