namespace ComfySharp.Diffusion.Models;

internal static partial class CheckpointDetector
{
    /// <summary>SD 1.x UNets use 8 attention heads at every level (ComfyUI's SD15 <c>num_heads</c>).</summary>
    private const int Sd1Heads = 8;

    private static UNetConfig ReadUNet(KeySet keys, string p)
    {
        var convIn = keys.Shape(p + "input_blocks.0.0.weight");
        var modelChannels = (int)convIn[0];
        var inChannels = (int)convIn[1];
        var outChannels = keys.Has(p + "out.2.weight") ? (int)keys.Shape(p + "out.2.weight")[0] : 4;

        var channelMult = new List<int>();
        var attention = new List<int>();
        var resBlocksPerLevel = new List<int>();
        var blocks = keys.CountIndexed(p + "input_blocks.");
        int resBlocks = 0, levelMult = 0, levelAttention = 0;
        for (var i = 1; i < blocks; i++)
        {
            var block = $"{p}input_blocks.{i}.";
            if (keys.Has(block + "0.op.weight"))
            {
                channelMult.Add(levelMult);
                attention.Add(levelAttention);
                resBlocksPerLevel.Add(resBlocks);
                resBlocks = levelMult = levelAttention = 0;
                continue;
            }
            var outConv = keys.Shape(block + "0.out_layers.3.weight");
            resBlocks++;
            levelMult = (int)(outConv[0] / modelChannels);
            levelAttention = keys.Has(block + "1.proj_in.weight") ? keys.CountIndexed(block + "1.transformer_blocks.") : 0;
        }
        channelMult.Add(levelMult);
        attention.Add(levelAttention);
        resBlocksPerLevel.Add(resBlocks);

        var numResBlocks = resBlocksPerLevel[0];
        if (numResBlocks == 0 || resBlocksPerLevel.Exists(n => n != numResBlocks))
        {
            throw Layout(keys, $"the UNet has {string.Join("/", resBlocksPerLevel)} resnet blocks per level; SD 1.x has the same number at every level");
        }

        var middle = keys.Has(p + "middle_block.1.proj_in.weight") ? keys.CountIndexed(p + "middle_block.1.transformer_blocks.") : 0;
        var context = (int)FirstContextDim(keys, p);
        if (context == 0) throw Layout(keys, "the UNet has no cross-attention (no attn2.to_k weights)");

        var config = new UNetConfig(inChannels, outChannels, modelChannels, [.. channelMult], numResBlocks, [.. attention], middle, context, Sd1Heads);
        CheckUNetOutputs(keys, p, config);
        return config;
    }

    /// <summary>The output side must mirror the input side: NumResBlocks + 1 blocks per level, attention where the level has it.</summary>
    private static void CheckUNetOutputs(KeySet keys, string p, UNetConfig config)
    {
        var expected = config.ChannelMult.Length * (config.NumResBlocks + 1);
        var actual = keys.CountIndexed(p + "output_blocks.");
        if (actual != expected)
        {
            throw Layout(keys, $"the UNet has {actual} output blocks where its input side implies {expected}");
        }
        foreach (var channels in config.ChannelMult)
        {
            if (channels * config.ModelChannels % Sd1Heads != 0 || channels * config.ModelChannels % 32 != 0)
            {
                throw Layout(keys, $"UNet width {channels * config.ModelChannels} does not split into 32 norm groups and {Sd1Heads} heads");
            }
        }
    }

    private static ClipTextConfig? ReadClip(KeySet keys)
    {
        string prefix;
        if (keys.Has(DetectedCheckpoint.ClipPrefix + "text_model.embeddings.token_embedding.weight")) prefix = DetectedCheckpoint.ClipPrefix + "text_model.";
        else if (keys.Has(DetectedCheckpoint.ClipPrefix + "embeddings.token_embedding.weight")) prefix = DetectedCheckpoint.ClipPrefix;
        else return null;

        var embedding = keys.Shape(prefix + "embeddings.token_embedding.weight");
        var positions = keys.Shape(prefix + "embeddings.position_embedding.weight");
        var width = (int)embedding[1];
        var layers = keys.CountIndexed(prefix + "encoder.layers.");
        if (layers == 0) throw Layout(keys, "the CLIP text encoder has no layers");
        if (width % ClipTextConfig.HeadWidth != 0)
        {
            throw Layout(keys, $"CLIP width {width} is not a whole number of {ClipTextConfig.HeadWidth}-wide heads");
        }
        var intermediate = (int)keys.Shape(prefix + "encoder.layers.0.mlp.fc1.weight")[0];
        return new ClipTextConfig(prefix, (int)embedding[0], width, layers, width / ClipTextConfig.HeadWidth, (int)positions[0], intermediate);
    }

    internal static VaeConfig ReadVae(KeySet keys, string p)
    {
        var channels = (int)keys.Shape(p + "encoder.conv_in.weight")[0];
        var levels = keys.CountIndexed(p + "encoder.down.");
        if (levels == 0) throw Layout(keys, "the VAE encoder has no levels");
        var mult = new int[levels];
        for (var i = 0; i < levels; i++)
        {
            mult[i] = (int)(keys.Shape($"{p}encoder.down.{i}.block.0.conv1.weight")[0] / channels);
        }
        var resBlocks = keys.CountIndexed(p + "encoder.down.0.block.");
        var latent = (int)keys.Shape(p + "decoder.conv_in.weight")[1];
        var embed = keys.Has(p + "post_quant_conv.weight") ? (int)keys.Shape(p + "post_quant_conv.weight")[1] : latent;
        var linear = keys.Shape(p + "encoder.mid.attn_1.q.weight").Length == 2;
        if (keys.CountIndexed(p + "decoder.up.") != levels)
        {
            throw Layout(keys, "the VAE decoder and encoder have different numbers of levels");
        }
        foreach (var m in mult)
        {
            if (m * channels % 32 != 0) throw Layout(keys, $"VAE width {m * channels} does not split into 32 norm groups");
        }
        return new VaeConfig(channels, mult, resBlocks, latent, embed, linear);
    }

    private static UnsupportedModelException Layout(KeySet keys, string problem)
        => new(keys.FileName, Sd1 + " variant", $"unexpected SD 1.x layout: {problem}");
}
