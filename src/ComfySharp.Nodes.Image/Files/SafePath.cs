using System.Text;

namespace ComfySharp.Nodes.Image.Files;

/// <summary>
/// Resolves client-supplied names under one of the server's folders, refusing anything that could reach outside it:
/// <c>..</c> segments, absolute and Windows-style paths, NUL and control characters, over-long names, and symlinks whose
/// target lies outside the folder (ComfyUI only compares the joined path; we also follow links).
/// </summary>
public static class SafePath
{
    /// <summary>Longest file name component in bytes (Linux NAME_MAX).</summary>
    public const int MaxNameBytes = 255;
    /// <summary>Longest relative path accepted.</summary>
    public const int MaxRelativeLength = 1024;

    /// <summary>Why a name was refused, for logs and error bodies.</summary>
    public static string? Problem(string? relative, bool allowSeparators)
    {
        if (relative is null) return null;
        if (relative.Length > MaxRelativeLength) return "path too long";
        foreach (var c in relative)
        {
            if (c < 0x20 || c == 0x7f) return "control character in path";
            if (c == '\\') return "backslash in path";
            if (c == ':' && relative.Length > 1 && relative[1] == ':') return "drive letter in path";
            if (c == '/' && !allowSeparators) return "separator in file name";
        }
        if (relative.StartsWith('/')) return "absolute path";
        foreach (var part in relative.Split('/'))
        {
            if (part is "..") return "parent directory in path";
            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes) return "name too long";
        }
        return null;
    }

    /// <summary>
    /// <c>root/subfolder/name</c> as a full path when it stays inside <paramref name="root"/> (links followed), else <c>null</c>.
    /// <paramref name="subfolder"/> may contain <c>/</c>; <paramref name="name"/> may not unless <paramref name="nameMayHaveFolders"/>.
    /// </summary>
    public static string? Resolve(string root, string? subfolder, string name, bool nameMayHaveFolders = false)
    {
        if (Problem(subfolder, allowSeparators: true) is not null || Problem(name, nameMayHaveFolders) is not null) return null;
        if (name.Length == 0 || name is "." or "..") return null;
        var fullRoot = Path.GetFullPath(root);
        var combined = Path.GetFullPath(Path.Combine(fullRoot, subfolder ?? "", name));
        if (!IsInside(fullRoot, combined) || combined.Length == fullRoot.Length) return null;
        return StaysInsideFollowingLinks(fullRoot, combined) ? combined : null;
    }

    /// <summary>The folder <c>root/subfolder</c> when it stays inside <paramref name="root"/>, else <c>null</c>.</summary>
    public static string? ResolveFolder(string root, string? subfolder)
    {
        if (Problem(subfolder, allowSeparators: true) is not null) return null;
        var fullRoot = Path.GetFullPath(root);
        var combined = Path.GetFullPath(Path.Combine(fullRoot, subfolder ?? ""));
        if (!IsInside(fullRoot, combined)) return null;
        return StaysInsideFollowingLinks(fullRoot, combined) ? combined : null;
    }

    public static bool IsInside(string root, string path)
    {
        var r = Path.TrimEndingDirectorySeparator(root);
        return path.Length == r.Length ? path == r : path.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>Walks from the root to <paramref name="path"/>; every existing link on the way must resolve inside the real root.</summary>
    private static bool StaysInsideFollowingLinks(string root, string path)
    {
        var realRoot = RealPath(root);
        var current = realRoot;
        var relative = Path.GetRelativePath(root, path);
        if (relative == ".") return true;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is null) continue;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null) return false;
            current = RealPath(target.FullName);
            if (!IsInside(realRoot, current)) return false;
        }
        return true;
    }

    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) current = Path.GetFullPath(target.FullName);
        }
        return current;
    }
}
