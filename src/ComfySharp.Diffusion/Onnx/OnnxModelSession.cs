using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// An ONNX Runtime session over a graph built in C#, with its weights added as initializers that point at the weight
/// source's memory (<c>SessionOptions.AddInitializer</c>: ONNX Runtime uses the buffer as is instead of reading data
/// from the model). The weight source must outlive this session.
/// </summary>
internal sealed class OnnxModelSession : IDisposable
{
    private readonly SessionOptions _options;

    private OnnxModelSession(InferenceSession session, SessionOptions options, int modelBytes)
    {
        Session = session;
        _options = options;
        ModelBytes = modelBytes;
    }

    public InferenceSession Session { get; }

    /// <summary>Size of the serialized graph (weights excluded).</summary>
    public int ModelBytes { get; }

    public static OnnxModelSession Create(OnnxGraph graph, IWeightSource weights, int intraOpThreads = 0)
    {
        var model = graph.ToModel();
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            foreach (var w in graph.Weights) options.AddInitializer(w.Name, weights.Get(w.Key, w.Shape));
            var session = new InferenceSession(model, options);
            return new OnnxModelSession(session, options, model.Length);
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        _options.Dispose();
    }
}
