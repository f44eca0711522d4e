namespace ComfySharp.Nodes.Testing;

/// <summary>Where ComfyUI loads its execution test pack from (<c>tests/execution/testing_nodes/testing-pack</c>), as <c>/object_info</c> names it.</summary>
internal static class TestPack
{
    public const string Module = "custom_nodes.testing-pack";
}
