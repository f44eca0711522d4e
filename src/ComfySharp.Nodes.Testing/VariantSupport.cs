using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing;

/// <summary>
/// The test pack's <c>VariantSupport</c> decorator (tools.py). It makes the declared types "smart" and adds
/// <c>VALIDATE_INPUTS(input_types)</c>, so for a decorated node the engine skips its own link type check and calls this instead:
/// every linked type must be a subset of the declared comma union (<c>*</c> on either side always fits). Because the validator
/// takes only <c>input_types</c>, min/max and combo checks still apply to constants. Decorated nodes set
/// <c>ValidatedInputs = VariantSupport.Arguments</c> and <c>ValidatesInputTypes = true</c>.
/// </summary>
/// <remarks>
/// One difference remains: in Python a type received from another decorated node is itself smart and is never checked. The
/// validator here only sees type names, so such a link is checked like any other.
/// </remarks>
internal static class VariantSupport
{
    /// <summary>The validator's constant arguments: none (it takes <c>input_types</c> only).</summary>
    public static readonly IReadOnlyList<string> Arguments = [];

    public static ValueTask<ValidationResult> ValidateAsync(NodeSchema schema, IReadOnlyDictionary<string, string>? inputTypes)
    {
        if (inputTypes is null) return ValueTask.FromResult(ValidationResult.Ok);
        foreach (var (name, received) in inputTypes)
        {
            if (schema.FindInput(name) is not { Section: not InputSection.Hidden } input) continue;
            if (!IsSubset(received, input.Type))
            {
                return ValueTask.FromResult(ValidationResult.Fail($"Invalid type of {name}: {received} (expected {input.Type})"));
            }
        }
        return ValueTask.FromResult(ValidationResult.Ok);
    }

    // SmartType.__ne__: no stripping of spaces around the commas.
    private static bool IsSubset(string received, string declared)
    {
        if (received == "*" || declared == "*") return true;
        var allowed = declared.Split(',');
        foreach (var type in received.Split(','))
        {
            if (Array.IndexOf(allowed, type) < 0) return false;
        }
        return true;
    }
}
