using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;

namespace ComfySharp.Diffusion.Tests.Models;

public sealed class CheckpointDetectorTests
{
    private static Dictionary<string, long[]> Shapes((UNetConfig UNet, ClipTextConfig Clip, VaeConfig Vae) c)
        => Sd1Layout.Checkpoint(c.UNet, c.Clip, c.Vae).ToDictionary(e => e.Name, e => e.Shape);

    [Fact]
    public void Sd15_sized_checkpoint_reads_back_its_configuration()
    {
        var sd15 = Sd1Layout.Sd15();
        var detected = CheckpointDetector.Detect("v1-5.safetensors", Shapes(sd15));
        Assert.Equal("SD 1.x", detected.Family);
        AssertSame(sd15.UNet, detected.UNet!);
        Assert.Equal(sd15.Clip, detected.Clip);
        AssertSame(sd15.Vae, detected.Vae!);
        Assert.Equal(320 * 4, detected.UNet!.TimeEmbedDim);
        Assert.Equal(8, detected.Vae!.Downscale);
    }

    [Fact]
    public void Tiny_checkpoint_is_read_from_a_real_file_through_the_same_code()
    {
        using var temp = new TempFolder();
        var tiny = Sd1Layout.Tiny();
        var path = temp.File("tiny.safetensors");
        SafetensorsWriter.Write(path, Sd1Layout.Checkpoint(tiny.UNet, tiny.Clip, tiny.Vae)
            .Select(e => new TensorToWrite(e.Name, SafetensorsDType.F16, e.Shape, new byte[ElementCount(e.Shape) * 2])));
        using var file = SafetensorsFile.Open(path);
        var detected = CheckpointDetector.Detect(file);
        AssertSame(tiny.UNet, detected.UNet!);
        Assert.Equal(tiny.Clip, detected.Clip);
        AssertSame(tiny.Vae, detected.Vae!);
    }

    [Fact]
    public void Old_clip_keys_without_text_model_are_understood()
    {
        var tiny = Sd1Layout.Tiny();
        var shapes = Shapes(tiny).ToDictionary(
            e => e.Key.Replace("cond_stage_model.transformer.text_model.", "cond_stage_model.transformer.", StringComparison.Ordinal), e => e.Value);
        var clip = CheckpointDetector.Detect("old.safetensors", shapes).Clip!;
        Assert.Equal("cond_stage_model.transformer.", clip.Prefix);
        Assert.Equal(tiny.Clip.Layers, clip.Layers);
    }

    [Fact]
    public void Unet_only_file_has_no_clip_or_vae()
    {
        var tiny = Sd1Layout.Tiny();
        var shapes = Shapes(tiny).Where(e => e.Key.StartsWith("model.diffusion_model.", StringComparison.Ordinal)).ToDictionary();
        var detected = CheckpointDetector.Detect("unet.safetensors", shapes);
        Assert.NotNull(detected.UNet);
        Assert.Null(detected.Clip);
        Assert.Null(detected.Vae);
    }

    public static TheoryData<string, string> Families => new()
    {
        { "model.diffusion_model.joint_blocks.0.context_block.attn.qkv.weight", "Stable Diffusion 3 (MMDiT)" },
        { "model.diffusion_model.double_blocks.0.img_attn.norm.key_norm.scale", "Flux" },
        { "double_blocks.0.img_attn.norm.key_norm.scale", "Flux" },
        { "model.diffusion_model.clf.1.weight", "Stable Cascade" },
        { "model.diffusion_model.head.modulation", "Wan" },
        { "unet.down_blocks.0.resnets.0.conv1.weight", "diffusers-layout" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Other_families_are_named_not_guessed(string key, string family)
    {
        var e = Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("m.safetensors", new Dictionary<string, long[]> { [key] = [4] }));
        Assert.Equal(family, e.Family);
        Assert.Contains("'m.safetensors'", e.Message);
        Assert.Contains($"looks like a {family} model, which is not supported yet", e.Message);
    }

    [Fact]
    public void Sdxl_is_recognised_by_its_class_embedding_and_context()
    {
        var shapes = Shapes(Sd1Layout.Tiny());
        Retarget(shapes, 2048);
        shapes["model.diffusion_model.label_emb.0.0.weight"] = [128, 2816];
        Assert.Equal("SDXL", Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("xl.safetensors", shapes)).Family);
        Retarget(shapes, 1280);
        shapes["model.diffusion_model.label_emb.0.0.weight"] = [128, 2560];
        Assert.Equal("SDXL refiner", Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("r.safetensors", shapes)).Family);
    }

    [Fact]
    public void Sd2_is_recognised_by_linear_projections_or_open_clip()
    {
        var shapes = Shapes(Sd1Layout.Tiny());
        shapes["model.diffusion_model.input_blocks.1.1.proj_in.weight"] = [32, 32];
        Assert.Equal("SD 2.x", Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("v2.safetensors", shapes)).Family);

        shapes = Shapes(Sd1Layout.Tiny());
        shapes["cond_stage_model.model.transformer.resblocks.0.ln_1.weight"] = [1024];
        Assert.Equal("SD 2.x", Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("v2.safetensors", shapes)).Family);
    }

    [Fact]
    public void Inpainting_unet_is_named()
    {
        var shapes = Shapes(Sd1Layout.Tiny());
        shapes["model.diffusion_model.input_blocks.0.0.weight"] = [32, 9, 3, 3];
        Assert.Equal("SD 1.x inpainting", Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("inpaint.safetensors", shapes)).Family);
    }

    [Fact]
    public void Vae_file_and_unrelated_file()
    {
        var vae = new List<(string Name, long[] Shape)>();
        Sd1Layout.Vae(vae, "", Sd1Layout.Tiny().Vae);
        var e = Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("vae.safetensors", vae.ToDictionary(v => v.Name, v => v.Shape)));
        Assert.Equal("VAE", e.Family);
        Assert.Contains("VAELoader", e.Message);

        e = Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("lora.safetensors", new Dictionary<string, long[]> { ["lora_unet_x.alpha"] = [] }));
        Assert.Equal("unknown", e.Family);
    }

    [Fact]
    public void Damaged_layouts_are_explained()
    {
        var shapes = Shapes(Sd1Layout.Tiny());
        shapes.Remove("model.diffusion_model.input_blocks.1.0.out_layers.3.weight");
        Assert.Contains("lacks tensor 'model.diffusion_model.input_blocks.1.0.out_layers.3.weight'",
            Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("d.safetensors", shapes)).Message);

        shapes = Shapes(Sd1Layout.Tiny());
        foreach (var key in shapes.Keys.Where(k => k.StartsWith("model.diffusion_model.output_blocks.3.", StringComparison.Ordinal)).ToList()) shapes.Remove(key);
        Assert.Contains("output blocks", Assert.Throws<UnsupportedModelException>(() => CheckpointDetector.Detect("d.safetensors", shapes)).Message);
    }

    private static void Retarget(Dictionary<string, long[]> shapes, long context)
    {
        foreach (var key in shapes.Keys.Where(k => k.EndsWith("attn2.to_k.weight", StringComparison.Ordinal)).ToList())
        {
            shapes[key] = [shapes[key][0], context];
        }
    }

    private static long ElementCount(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    private static void AssertSame(UNetConfig expected, UNetConfig actual)
    {
        Assert.Equal(expected with { ChannelMult = [], AttentionDepth = [] }, actual with { ChannelMult = [], AttentionDepth = [] });
        Assert.Equal(expected.ChannelMult, actual.ChannelMult);
        Assert.Equal(expected.AttentionDepth, actual.AttentionDepth);
    }

    private static void AssertSame(VaeConfig expected, VaeConfig actual)
    {
        Assert.Equal(expected with { ChannelMult = [] }, actual with { ChannelMult = [] });
        Assert.Equal(expected.ChannelMult, actual.ChannelMult);
    }
}
