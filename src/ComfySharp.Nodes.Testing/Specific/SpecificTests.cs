namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>Categories of specific_tests.py.</summary>
internal static class SpecificTests
{
    public const string Category = "Testing/Nodes";
    public const string ForTesting = "_for_testing";
}
