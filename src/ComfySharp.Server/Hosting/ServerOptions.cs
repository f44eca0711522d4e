namespace ComfySharp.Server.Hosting;

/// <summary>
/// Options of <c>comfysharp serve</c>, named after ComfyUI's flags (DESIGN.md "Configuration").
/// Bound from the command line, environment variables (<c>COMFYSHARP_</c> prefix) and <c>appsettings.json</c>.
/// </summary>
public sealed class ServerOptions
{
    /// <summary><c>--listen</c>: address(es) to bind, comma separated; ComfyUI's default is loopback.</summary>
    public string Listen { get; set; } = "127.0.0.1";
    /// <summary><c>--port</c>; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8188;
    /// <summary><c>--base-directory</c>: holds input, output, temp, models and user.</summary>
    public string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();
    public string? OutputDirectory { get; set; }
    public string? InputDirectory { get; set; }
    public string? TempDirectory { get; set; }
    /// <summary><c>--max-upload-size</c> in MB (ComfyUI default 100); also the limit on every request body.</summary>
    public double MaxUploadSize { get; set; } = 100;
    /// <summary><c>--enable-cors-header [ORIGIN]</c>: null = origin-only checks; "*" or an origin = CORS mode.</summary>
    public string? EnableCorsHeader { get; set; }
    /// <summary><c>--cache-lru N</c>: keep up to N node results across prompts.</summary>
    public int CacheLru { get; set; }
    /// <summary><c>--cache-none</c>: nothing is cached across prompts.</summary>
    public bool CacheNone { get; set; }
    /// <summary><c>--ephemeral</c>: queue and history in memory only.</summary>
    public bool Ephemeral { get; set; }
    /// <summary><c>--disable-metadata</c>: saved images carry no prompt/workflow text chunks.</summary>
    public bool DisableMetadata { get; set; }
    /// <summary><c>--preview-method</c>: none, auto, latent2rgb, taesd.</summary>
    public string PreviewMethod { get; set; } = "none";
    /// <summary><c>--preview-size</c>: latent previews are fitted to this many pixels on their long side.</summary>
    public int PreviewSize { get; set; } = 512;
    public string? FrontEndRoot { get; set; }
    /// <summary>SQLite database path; default <c>&lt;base&gt;/user/comfysharp.db</c>.</summary>
    public string? DatabasePath { get; set; }
    /// <summary>
    /// Bound of each WebSocket outbox in frames; a client that falls this far behind is disconnected. Large enough for the
    /// burst of one 10,000-node prompt (three events per node); progress and previews are shed first from half full.
    /// </summary>
    public int OutboxCapacity { get; set; } = 65_536;

    public long MaxBodyBytes => (long)Math.Round(MaxUploadSize * 1024 * 1024);

    /// <summary>Defaults, then <c>appsettings.json</c> (section <c>ComfySharp</c>) in <paramref name="directory"/>, then <c>COMFYSHARP_*</c> variables.</summary>
    public static ServerOptions Load(string directory)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(directory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("COMFYSHARP_")
            .Build();
        var options = new ServerOptions();
        configuration.GetSection("ComfySharp").Bind(options);
        configuration.Bind(options);
        return options;
    }
}
