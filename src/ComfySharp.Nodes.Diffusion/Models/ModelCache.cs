using System.Globalization;
using System.Text;
using ComfySharp.Diffusion.Lora;
using ComfySharp.Diffusion.Previews;
using ComfySharp.Diffusion.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>
/// Loaded checkpoints, VAEs, TAESD preview decoders and the tokenizer, shared by every prompt of the server. A file is loaded again when it
/// changed on disk. <see cref="UnloadAll"/> (<c>/free</c> with <c>unload_models</c>) waits for running model calls and
/// frees everything; values still held by the output cache load their model again when next used.
/// </summary>
public sealed class ModelCache : IDisposable
{
    private readonly DiffusionPackOptions _options;
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.SupportsRecursion);
    private readonly Dictionary<string, (FileStamp Stamp, object Model)> _models = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _retired = [];
    private readonly Lock _loadLock = new();
    private ClipBpeTokenizer? _tokenizer;
    private int _loads;

    public ModelCache(DiffusionPackOptions options)
    {
        _options = options;
    }

    public DiffusionPackOptions Options => _options;

    /// <summary>Where the pack reports what it works around (a preview decoder it cannot use); the server sets its own after start-up.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Number of files loaded now.</summary>
    public int LoadedCount
    {
        get
        {
            lock (_loadLock) return _models.Count;
        }
    }

    /// <summary>
    /// Number of model files opened since the cache was made. Concurrent users of a file that is not loaded yet wait for one
    /// load; a file changed on disk, or used again after an unload, is opened again.
    /// </summary>
    public int LoadCount => Volatile.Read(ref _loads);

    /// <summary>Runs <paramref name="use"/> with the loaded checkpoint; an unload waits until it returns.</summary>
    internal T WithCheckpoint<T>(string path, Func<LoadedCheckpoint, T> use) => With(path, path, () => LoadedCheckpoint.Open(path), use);

    /// <summary>
    /// Runs <paramref name="use"/> with the checkpoint whose <paramref name="target"/> weights have <paramref name="loras"/>
    /// merged in (the plain checkpoint when there are none). Patched checkpoints are cached by checkpoint, target and the
    /// list of (LoRA file, strength); a changed checkpoint or LoRA file makes a new one.
    /// </summary>
    internal T WithCheckpoint<T>(string path, IReadOnlyList<LoraRef> loras, LoraTarget target, Func<LoadedCheckpoint, T> use)
    {
        if (loras.Count == 0) return WithCheckpoint(path, use);
        var key = new StringBuilder(path).Append('\n').Append(target);
        foreach (var lora in loras)
        {
            var stamp = FileStamp.Of(lora.Path);
            key.Append('\n').Append(lora.Path).Append('|').Append(lora.Strength.ToString("R", CultureInfo.InvariantCulture))
                .Append('|').Append(stamp.Length).Append('|').Append(stamp.Modified.Ticks);
        }
        LoraApplication[] applications = [.. loras.Select(l => new LoraApplication(l.Path, (float)l.Strength))];
        return With(key.ToString(), path, () => LoadedCheckpoint.OpenPatched(path, applications, target, _options.LoraPatches), use);
    }

    internal T WithVaeFile<T>(string path, Func<LoadedVaeFile, T> use) => With(path, path, () => LoadedVaeFile.Open(path), use);

    /// <summary>Runs <paramref name="use"/> with the TAESD decoder of <paramref name="path"/>, loaded once and kept like a model.</summary>
    internal T WithTaesd<T>(string path, Func<TaesdPreviewer, T> use) => With(path, path, () => TaesdPreviewer.Open(path), use);

    private T With<TModel, T>(string key, string path, Func<TModel> open, Func<TModel, T> use) where TModel : class, IDisposable
    {
        _gate.EnterReadLock();
        try
        {
            return use(Get(key, path, open));
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    private TModel Get<TModel>(string key, string path, Func<TModel> open) where TModel : class, IDisposable
    {
        var stamp = FileStamp.Of(path);
        lock (_loadLock)
        {
            if (_models.TryGetValue(key, out var entry))
            {
                if (entry.Stamp == stamp && entry.Model is TModel model) return model;
                // Changed on disk: another prompt may still be using the old one, so it is freed at the next unload.
                _retired.Add((IDisposable)entry.Model);
            }
            // Loading under the lock is what makes racing callers share one load.
            var loaded = open();
            _loads++;
            _models[key] = (stamp, loaded);
            return loaded;
        }
    }

    internal ClipBpeTokenizer Tokenizer()
    {
        lock (_loadLock)
        {
            if (_tokenizer is not null) return _tokenizer;
            foreach (var folder in _options.TokenizerCandidates())
            {
                if (File.Exists(Path.Combine(folder, "vocab.json")) && File.Exists(Path.Combine(folder, "merges.txt")))
                {
                    return _tokenizer = ClipBpeTokenizer.Load(folder);
                }
            }
            throw new InvalidOperationException(
                "The CLIP tokenizer files (vocab.json and merges.txt) were not found. Copy ComfyUI's comfy/sd1_tokenizer folder (or a diffusers "
                + "model's tokenizer folder) to models/tokenizers/sd1_tokenizer, or point COMFYSHARP_SD1_TOKENIZER at it.");
        }
    }

    internal EmbeddingLibrary Embeddings() => new([_options.Embeddings]);

    /// <summary>Frees every loaded model; waits for model calls in progress.</summary>
    public void UnloadAll()
    {
        _gate.EnterWriteLock();
        try
        {
            lock (_loadLock)
            {
                foreach (var (_, model) in _models.Values) ((IDisposable)model).Dispose();
                foreach (var model in _retired) model.Dispose();
                _models.Clear();
                _retired.Clear();
            }
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    public void Dispose()
    {
        UnloadAll();
        _gate.Dispose();
    }

    private readonly record struct FileStamp(long Length, DateTime Modified)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }
}
