namespace ComfySharp.Diffusion.Text;

/// <summary>One position of a 77-token chunk: a vocabulary id, or a textual-inversion vector (<see cref="Embedding"/> set, Id −1).</summary>
internal readonly record struct PromptToken(int Id, float Weight, float[]? Embedding = null);
