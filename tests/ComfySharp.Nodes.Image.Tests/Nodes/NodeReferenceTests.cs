using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Color;
using ComfySharp.Nodes.Image.Masks;
using ComfySharp.Nodes.Image.Transform;

namespace ComfySharp.Nodes.Image.Tests.Nodes;

/// <summary>Each op node against ComfyUI's formula restated in torch (Fixtures/reference.py op), on random inputs.</summary>
public sealed class NodeReferenceTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "ImageBlur", """{"blur_radius": 2, "sigma": 1.5}""" },
        { "ImageBlur", """{"blur_radius": 1, "sigma": 0.3}""" },
        { "ImageSharpen", """{"sharpen_radius": 2, "sigma": 1.2, "alpha": 0.7}""" },
        { "ImageBlend", """{"blend_factor": 0.3, "blend_mode": "normal"}""" },
        { "ImageBlend", """{"blend_factor": 0.6, "blend_mode": "multiply"}""" },
        { "ImageBlend", """{"blend_factor": 0.5, "blend_mode": "screen"}""" },
        { "ImageBlend", """{"blend_factor": 0.9, "blend_mode": "overlay"}""" },
        { "ImageBlend", """{"blend_factor": 0.8, "blend_mode": "soft_light"}""" },
        { "ImageBlend", """{"blend_factor": 1.0, "blend_mode": "difference"}""" },
        { "ImageCompositeMasked", """{"x": 3, "y": 2, "resize_source": false}""" },
        { "ImageCompositeMasked", """{"x": 5, "y": 4, "resize_source": false, "mask": true}""" },
        { "ImageCompositeMasked", """{"x": 1, "y": 1, "resize_source": true, "mask": true}""" },
        { "ImagePadForOutpaint", """{"left": 2, "top": 0, "right": 3, "bottom": 1, "feathering": 2}""" },
        { "ImagePadForOutpaint", """{"left": 0, "top": 4, "right": 0, "bottom": 0, "feathering": 0}""" },
        { "MaskComposite", """{"x": 2, "y": 1, "operation": "multiply"}""" },
        { "MaskComposite", """{"x": 0, "y": 0, "operation": "add"}""" },
        { "MaskComposite", """{"x": 4, "y": 3, "operation": "subtract"}""" },
        { "MaskComposite", """{"x": 1, "y": 2, "operation": "and"}""" },
        { "MaskComposite", """{"x": 1, "y": 2, "operation": "or"}""" },
        { "MaskComposite", """{"x": 3, "y": 0, "operation": "xor"}""" },
        { "FeatherMask", """{"left": 3, "top": 2, "right": 4, "bottom": 1}""" },
        { "FeatherMask", """{"left": 0, "top": 0, "right": 20, "bottom": 20}""" },
        { "GrowMask", """{"expand": 2, "tapered_corners": true}""" },
        { "GrowMask", """{"expand": -1, "tapered_corners": false}""" },
        { "GrowMask", """{"expand": 3, "tapered_corners": false}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Matches_the_torch_formula(string node, string paramsJson)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var parameters = JsonNode.Parse(paramsJson)!.AsObject();
        var rng = new Random(node.GetHashCode(StringComparison.Ordinal) ^ paramsJson.Length);
        var (names, tensors) = Inputs(node, parameters, rng);
        var specInputs = new JsonArray();
        for (var i = 0; i < tensors.Count; i++)
        {
            var path = folder.File($"in{i}.f32");
            Reference.WriteFloats(path, tensors[i].Span);
            specInputs.Add(new JsonObject { ["path"] = path, ["shape"] = new JsonArray([.. tensors[i].Shape.Select(d => JsonValue.Create(d))]) });
        }
        var spec = new JsonObject { ["name"] = node, ["params"] = parameters.DeepClone(), ["inputs"] = specInputs, ["out"] = folder.File("out") };
        await File.WriteAllTextAsync(folder.File("spec.json"), spec.ToJsonString(), ct);
        var shapes = await Reference.JsonAsync(ct, "op", folder.File("spec.json"));

        var values = new Dictionary<string, object?>();
        for (var i = 0; i < names.Count; i++) values[names[i]] = tensors[i];
        foreach (var (k, v) in parameters)
        {
            if (k == "mask") continue;
            values[k] = v!.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
                System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => v.GetValue<bool>(),
                _ when v.ToJsonString().Contains('.', StringComparison.Ordinal) => v.GetValue<double>(),
                _ => (object)v.GetValue<long>(),
            };
        }
        var output = await Create(node).ExecuteAsync(new NodeArgs(values), null!, ct);

        for (var i = 0; i < shapes.AsArray().Count; i++)
        {
            var result = (Tensor)output.Values[i]!;
            Assert.Equal(shapes[i]!.AsArray().Select(n => (int)n!), result.Shape);
            Codec.DecoderTests.AssertClose(Reference.ReadFloats(folder.File($"out.{i}.f32")), result, 1e-5f);
        }
    }

    private static (List<string> Names, List<Tensor> Tensors) Inputs(string node, JsonObject p, Random rng)
    {
        Tensor Image(int b, int h, int w) => Tensor.Random(rng, b, h, w, 3);
        Tensor Mask(int b, int h, int w) => Tensor.Random(rng, b, h, w);
        return node switch
        {
            "ImageBlur" or "ImageSharpen" => (["image"], [Image(2, 9, 11)]),
            "ImageBlend" => (["image1", "image2"], [Image(2, 6, 7), Image(2, 6, 7)]),
            "ImageCompositeMasked" when p["mask"] is not null => (["destination", "source", "mask"], [Image(2, 10, 12), Image(2, 6, 5), Mask(1, 4, 3)]),
            "ImageCompositeMasked" => (["destination", "source"], [Image(1, 10, 12), Image(1, 6, 5)]),
            "ImagePadForOutpaint" => (["image"], [Image(1, 8, 9)]),
            "MaskComposite" => (["destination", "source"], [Mask(2, 7, 8), Mask(2, 5, 6)]),
            "FeatherMask" or "GrowMask" => (["mask"], [Mask(2, 7, 9)]),
            _ => throw new ArgumentOutOfRangeException(nameof(node)),
        };
    }

    private static IExecutableNode Create(string node) => node switch
    {
        "ImageBlur" => new ImageBlur(),
        "ImageSharpen" => new ImageSharpen(),
        "ImageBlend" => new ImageBlend(),
        "ImageCompositeMasked" => new ImageCompositeMasked(),
        "ImagePadForOutpaint" => new ImagePadForOutpaint(),
        "MaskComposite" => new MaskComposite(),
        "FeatherMask" => new FeatherMask(),
        "GrowMask" => new GrowMask(),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
