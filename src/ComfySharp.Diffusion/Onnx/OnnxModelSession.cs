using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// An ONNX Runtime session over a graph built in C#. The serialized model holds only the graph; its weights are
/// external data in the checkpoint file, which ONNX Runtime finds through the session's external-initializer folder
/// (the model is loaded from bytes, so it has no folder of its own).
/// </summary>
/// <remarks>
/// Why not <c>SessionOptions.AddInitializer</c> with OrtValues over the mapped file: ONNX Runtime 1.31 still validates
/// the data of every initializer above 127 bytes in the model itself before it looks at the session's initializers,
/// so a data-less placeholder is refused; and the C# API has no <c>AddExternalInitializers</c> (which copies anyway).
/// </remarks>
internal sealed class OnnxModelSession : IDisposable
{
    /// <summary>ONNX Runtime's session config key for where external data of a model loaded from bytes lives.</summary>
    private const string ExternalFolderKey = "session.model_external_initializers_file_folder_path";

    private OnnxModelSession(InferenceSession session, int modelBytes)
    {
        Session = session;
        ModelBytes = modelBytes;
    }

    public InferenceSession Session { get; }

    /// <summary>Size of the serialized graph (weights excluded).</summary>
    public int ModelBytes { get; }

    public static OnnxModelSession Create(OnnxGraph graph, int intraOpThreads = 0)
    {
        var model = graph.ToModel();
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            // Our graphs have symbolic batch and image sizes, and the memory pattern ONNX Runtime plans per input shape comes on
            // top of the buffers its arena already holds: the activations of a 512×512 generation took nearly twice the memory
            // with it (peak 10.2 GB at batch 1, 14.9 GB at batch 2; 7.8 and 10.1 GB without), for no UNet time we could measure
            // (A/B in one process, within the ±3 % noise of the benchmark machine).
            EnableMemoryPattern = false,
        };
        if (graph.WeightFolder is { } folder) options.AddSessionConfigEntry(ExternalFolderKey, folder);
        return new OnnxModelSession(new InferenceSession(model, options), model.Length);
    }

    public void Dispose() => Session.Dispose();
}
