using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Graphs;

/// <summary>
/// The UNet of a checkpoint as one ONNX Runtime session, made on first use and then shared by every prompt (ONNX
/// Runtime's <c>Run</c> is safe to call concurrently). A cancelled call is stopped inside ONNX Runtime through
/// <see cref="RunOptions.Terminate"/>, so an interrupt does not wait for the rest of a long UNet evaluation.
/// </summary>
internal sealed class UNetModel : IDisposable
{
    private readonly Lazy<OnnxModelSession> _session;

    public UNetModel(UNetConfig config, IWeightCatalog weights, string prefix = DetectedCheckpoint.UNetPrefix)
    {
        Config = config;
        _session = new(() => OnnxModelSession.Create(UNetGraph.Build(config, weights, prefix)));
    }

    public UNetConfig Config { get; }

    /// <summary>Makes the session now (the first <see cref="Run"/> would).</summary>
    public void Prepare() => _ = _session.Value;

    /// <summary>The shared session (made now if needed), for the benchmark that compares <see cref="Run"/> with a bare <c>Run</c> on it.</summary>
    public InferenceSession Session => _session.Value.Session;

    /// <summary>
    /// One evaluation: <paramref name="x"/> [B, C, H, W] (shape <paramref name="shape"/>), one timestep per batch item and
    /// the cross-attention context [B, tokens, context_dim] → the model output [B, C, H, W] written to <paramref name="output"/>.
    /// </summary>
    public void Run(Memory<float> x, int[] shape, Memory<float> timesteps, Memory<float> context, int tokens, Memory<float> output, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        int batch = shape[0], count = shape[0] * shape[1] * shape[2] * shape[3];
        if (shape[1] != Config.InChannels)
        {
            throw new InvalidOperationException(
                $"This model takes latents of {Config.InChannels} channels; got a latent of shape [{string.Join(", ", shape)}].");
        }
        if (x.Length != count || output.Length != batch * Config.OutChannels * shape[2] * shape[3] || timesteps.Length != batch
            || context.Length != batch * tokens * Config.ContextDim)
        {
            throw new ArgumentException("UNet input sizes do not match the shape.");
        }
        var session = Session;
        using var xValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, x, [batch, shape[1], shape[2], shape[3]]);
        using var tValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, timesteps, [batch]);
        using var cValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, context, [batch, tokens, Config.ContextDim]);
        using var outValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output, [batch, Config.OutChannels, shape[2], shape[3]]);
        using var options = new RunOptions();
        using (ct.Register(static o => ((RunOptions)o!).Terminate = true, options))
        {
            try
            {
                session.Run(options, [UNetGraph.XName, UNetGraph.TimestepsName, UNetGraph.ContextName], [xValue, tValue, cValue],
                    [UNetGraph.OutputName], [outValue]);
            }
            catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
            {
                // Terminate makes ONNX Runtime fail the call; report it as the cancellation it is.
                throw new OperationCanceledException(ct);
            }
        }
    }

    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }
}
