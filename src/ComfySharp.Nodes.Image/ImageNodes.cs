using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Image.Color;
using ComfySharp.Nodes.Image.Io;
using ComfySharp.Nodes.Image.Masks;
using ComfySharp.Nodes.Image.Transform;

namespace ComfySharp.Nodes.Image;

/// <summary>The image pack: ComfyUI's model-free image and mask nodes, file loading and saving, and websocket image output.</summary>
public static class ImageNodes
{
    public static NodeRegistry AddImageNodes(this NodeRegistry registry, ImagePackOptions options)
    {
        var folders = options.Folders;
        // nodes.py
        registry.Add(() => new SaveImage(options)).Add(() => new Io.PreviewImage(options));
        registry.Add(() => new LoadImage(), LoadImage.SchemaFor(folders.Input), InputFileHooks.Fingerprint(folders), InputFileHooks.Validate(folders));
        registry.Add(() => new LoadImageMask(), LoadImageMask.SchemaFor(folders.Input), InputFileHooks.Fingerprint(folders),
            InputFileHooks.Validate(folders));
        registry.Add<ImageScale>().Add<ImageScaleBy>().Add<ImageInvert>().Add<ImageBatch>().Add<ImagePadForOutpaint>().Add<EmptyImage>();
        // comfy_extras/nodes_images.py
        registry.Add<ImageCrop>();
        registry.Add(() => new SaveAnimatedWEBP(options)).Add(() => new SaveAnimatedPNG(options));
        // comfy_extras/nodes_post_processing.py
        registry.Add<ImageBlend>().Add<ImageBlur>().Add<ImageQuantize>().Add<ImageSharpen>().Add<ImageScaleToTotalPixels>();
        // comfy_extras/nodes_mask.py
        registry.Add<ImageCompositeMasked>().Add<MaskToImage>().Add<ImageToMask>().Add<SolidMask>().Add<InvertMask>().Add<CropMask>()
            .Add<MaskComposite>().Add<FeatherMask>().Add<GrowMask>().Add<ThresholdMask>();
        // custom_nodes/websocket_image_save.py
        registry.Add<SaveImageWebsocket>();
        return registry;
    }
}
