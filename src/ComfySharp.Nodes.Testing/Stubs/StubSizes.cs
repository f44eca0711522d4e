using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Stubs;

/// <summary>The height, width and batch_size inputs every image and mask stub shares, with stubs.py's generous bounds.</summary>
internal static class StubSizes
{
    public const string Category = "Testing/Stub Nodes";

    public static readonly InputSpec[] Inputs =
    [
        Input.Int("height", 512, min: 1, max: 1024L * 1024 * 1024, step: 1),
        Input.Int("width", 512, min: 1, max: 4096L * 4096 * 4096, step: 1),
        Input.Int("batch_size", 1, min: 1, max: 1024L * 1024 * 1024, step: 1),
    ];

    /// <summary>[batch, height, width, 3] from the node's arguments.</summary>
    public static int[] ImageShape(NodeArgs args) => [.. MaskShape(args), 3];

    /// <summary>[batch, height, width] from the node's arguments.</summary>
    public static int[] MaskShape(NodeArgs args) =>
        [checked((int)args.Int("batch_size")), checked((int)args.Int("height")), checked((int)args.Int("width"))];
}
