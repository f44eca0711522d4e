using System.Collections.Immutable;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Conditionings;

/// <summary>
/// One element of ComfyUI's CONDITIONING list: the text encoder output [1, tokens, width] and its options dict
/// (<c>area</c>, <c>strength</c>, <c>set_area_to_bounds</c>, ...). A CONDITIONING value is an
/// <c>IReadOnlyList&lt;ConditioningEntry&gt;</c>; nodes never change an entry, they make new ones.
/// </summary>
public sealed record ConditioningEntry(Tensor Cond, ImmutableDictionary<string, object> Options)
{
    public static ConditioningEntry Of(Tensor cond) => new(cond, ImmutableDictionary<string, object>.Empty);
}

/// <summary>ComfyUI's <c>area</c> option: (height, width, y, x) in latent pixels (image pixels / 8).</summary>
public readonly record struct ConditioningArea(long Height, long Width, long Y, long X);
