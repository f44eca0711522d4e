using ComfySharp.Diffusion.Lora;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;

namespace ComfySharp.Diffusion.Tests.Lora;

/// <summary>LoRA key names in every supported style, merged weights against the torch reference, and refused files.</summary>
public sealed class LoraMergeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static LoraKeyMap KeyMap(SafetensorsFile checkpoint) =>
        new(CheckpointDetector.Detect(checkpoint), checkpoint.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal));

    [Fact]
    public void Every_naming_style_reaches_the_checkpoint_key_ComfyUI_patches()
    {
        using var checkpoint = SafetensorsFile.Open(TinyCheckpoint.Write(_temp.File("ckpt.safetensors"), SafetensorsDType.F32));
        var map = KeyMap(checkpoint);
        foreach (var e in TinyLora.Kohya.Concat(TinyLora.Peft).Concat(TinyLora.Comfy))
        {
            Assert.True(map.TryGet(e.Stem, out var key, out var target), e.Stem);
            Assert.Equal(e.CheckpointKey, key);
            Assert.Equal(e.CheckpointKey.StartsWith(DetectedCheckpoint.UNetPrefix, StringComparison.Ordinal) ? LoraTarget.UNet : LoraTarget.Clip, target);
        }

        // The same weight under its other names: kohya with the ldm name, diffusers with and without "unet." and ".processor".
        const string ToQ = DetectedCheckpoint.UNetPrefix + "input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight";
        foreach (var name in (string[])["lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q", "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q",
                     "down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_q", "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_q"])
        {
            Assert.True(map.TryGet(name, out var key, out _), name);
            Assert.Equal(ToQ, key);
        }
        Assert.True(map.TryGet("lora_unet_down_blocks_0_downsamplers_0_conv", out var down, out _));
        Assert.Equal(DetectedCheckpoint.UNetPrefix + "input_blocks.2.0.op.weight", down);
        Assert.True(map.TryGet("lora_unet_mid_block_resnets_1_conv2", out var mid, out _));
        Assert.Equal(DetectedCheckpoint.UNetPrefix + "middle_block.2.out_layers.3.weight", mid);
        Assert.True(map.TryGet("lora_unet_up_blocks_1_resnets_1_time_emb_proj", out var emb, out _));
        Assert.Equal(DetectedCheckpoint.UNetPrefix + "output_blocks.3.0.emb_layers.1.weight", emb);
        // The tiny UNet has one level without attention, so no such name exists there.
        Assert.False(map.TryGet("lora_unet_down_blocks_1_attentions_0_proj_in", out _, out _));
        Assert.False(map.TryGet("lora_te_text_model_encoder_layers_2_mlp_fc1", out _, out _));
    }

    [Theory]
    [InlineData("F32", 1e-5f)]
    [InlineData("F16", 2e-3f)]
    public void Stacked_loras_in_three_styles_merge_as_the_torch_reference_does(string dtypeName, float tolerance)
    {
        Assert.True(SafetensorsDTypes.TryParse(dtypeName, out var dtype));
        var ckptPath = TinyCheckpoint.Write(_temp.File("ckpt.safetensors"), dtype);
        var kohya = TinyLora.Write(_temp.File("kohya.safetensors"), TinyLora.Kohya, dtype, seed: 11);
        var peft = TinyLora.Write(_temp.File("peft.safetensors"), TinyLora.Peft, dtype, seed: 12, rank: 3, alpha: false);
        var comfy = TinyLora.Write(_temp.File("comfy.safetensors"), TinyLora.Comfy, dtype, seed: 13, rank: 2);
        LoraApplication[] loras = [new(kohya, 0.8f), new(peft, -1.5f), new(comfy, 2f)];

        var merged = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using (var checkpoint = SafetensorsFile.Open(ckptPath))
        {
            var map = KeyMap(checkpoint);
            foreach (var target in (LoraTarget[])[LoraTarget.UNet, LoraTarget.Clip])
            {
                var patchPath = _temp.File($"patch-{target}.safetensors");
                LoraMerger.WritePatch(checkpoint, map, loras, target, patchPath);
                using var patch = SafetensorsFile.Open(patchPath);
                foreach (var t in patch.Tensors)
                {
                    Assert.Equal(dtype, t.DType);
                    Assert.Equal(checkpoint.Get(t.Name).Shape, t.Shape);
                    Assert.Equal(target == LoraTarget.UNet, t.Name.StartsWith(DetectedCheckpoint.UNetPrefix, StringComparison.Ordinal));
                    merged.Add(t.Name, patch.ReadFloat32(t));
                }
            }
        }

        var options = new
        {
            loras = new object[]
            {
                new { path = kohya, strength = 0.8, map = TinyLora.Map(TinyLora.Kohya) },
                new { path = peft, strength = -1.5, map = TinyLora.Map(TinyLora.Peft) },
                new { path = comfy, strength = 2.0, map = TinyLora.Map(TinyLora.Comfy) },
            },
        };
        var expected = TorchReference.Run("lora_merge", ckptPath, [], options, _temp.Path, TestContext.Current.CancellationToken);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), merged.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, values) in expected) Numerics.AssertClose(values, merged[key], tolerance);
    }

    [Fact]
    public void Unmatched_names_are_reported_and_unsupported_formats_are_refused_by_name()
    {
        using var checkpoint = SafetensorsFile.Open(TinyCheckpoint.Write(_temp.File("ckpt.safetensors"), SafetensorsDType.F32));
        var map = KeyMap(checkpoint);
        var path = TinyLora.Write(_temp.File("extra.safetensors"), TinyLora.Comfy, extra:
        [
            TensorToWrite.FromFloats("lora_unet_not_a_layer.lora_up.weight", SafetensorsDType.F32, [2, 2], new float[4]),
            TensorToWrite.FromFloats("lora_unet_not_a_layer.lora_down.weight", SafetensorsDType.F32, [2, 2], new float[4]),
        ]);
        using (var lora = SafetensorsFile.Open(path))
        {
            var contents = LoraFile.Read(lora, map, checkpoint);
            Assert.Equal(2, contents.Patches.Count);
            Assert.Equal(["lora_unet_not_a_layer.lora_up.weight", "lora_unet_not_a_layer.lora_down.weight"], contents.NotLoaded);
        }

        foreach (var (suffix, format) in (ReadOnlySpan<(string, string)>)[(".hada_w1_a", "LoHa"), (".lokr_w1", "LoKr"), (".a1.weight", "GLoRA"), (".oft_blocks", "OFT")])
        {
            var other = _temp.File($"other{format}.safetensors");
            SafetensorsWriter.Write(other, [TensorToWrite.FromFloats("lora_unet_mid_block_attentions_0_proj_in" + suffix, SafetensorsDType.F32, [2, 2], new float[4])]);
            using var lora = SafetensorsFile.Open(other);
            var e = Assert.Throws<LoraException>(() => LoraFile.Read(lora, map, checkpoint));
            Assert.Contains($"LoRA 'other{format}.safetensors': it is in the {format} format", e.Message);
        }
    }

    [Fact]
    public void A_lora_for_other_shapes_is_refused_with_both_shapes()
    {
        using var checkpoint = SafetensorsFile.Open(TinyCheckpoint.Write(_temp.File("ckpt.safetensors"), SafetensorsDType.F32));
        var path = TinyLora.Write(_temp.File("wide.safetensors"), [TinyLora.Kohya[0]], reshape: (_, shape) => [shape[0], shape[1] * 2]);
        using var lora = SafetensorsFile.Open(path);
        var e = Assert.Throws<LoraException>(() => LoraFile.Read(lora, KeyMap(checkpoint), checkpoint));
        Assert.Contains("'wide.safetensors'", e.Message);
        Assert.Contains("gives [32, 64] but 'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight' has [32, 32]", e.Message);
    }
}
