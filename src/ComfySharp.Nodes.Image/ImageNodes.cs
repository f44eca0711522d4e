using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Image.Io;

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
        // custom_nodes/websocket_image_save.py
        registry.Add<SaveImageWebsocket>();
        return registry;
    }
}
