using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ComfySharp.LoadGen;

/// <summary>The few libc calls an epoll loop needs (Linux).</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class Epoll
{
    public const uint In = 0x001;
    public const int EIntr = 4;
    public const int EAgain = 11;

    private const int CtlAdd = 1;
    private const int CtlDel = 2;
    private const int CloExec = 0x80000;
    private const int SolSocket = 1;
    private const int SoTimestampNs = 35;
    private const int MessageHeaderSize = 56;
    private const int ControlSize = 64;

    /// <summary>
    /// Bytes of one <c>struct epoll_event</c>: a 32-bit event mask, then 64 bits of user data. The kernel headers pack it on
    /// x86 (data at offset 4, 12 bytes) and align it naturally elsewhere (data at offset 8, 16 bytes).
    /// </summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    private static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    /// <exception cref="IOException">The kernel refused.</exception>
    public static int Create()
    {
        var fd = EpollCreate1(CloExec);
        return fd >= 0 ? fd : throw Failure("epoll_create1");
    }

    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/> (level-triggered); <paramref name="data"/> comes back with each event.</summary>
    public static void Add(int epoll, int fd, uint events, int data)
    {
        var ev = stackalloc byte[16];
        new Span<byte>(ev, 16).Clear();
        *(uint*)ev = events;
        *(int*)(ev + DataOffset) = data;
        if (EpollCtl(epoll, CtlAdd, fd, ev) != 0) throw Failure("epoll_ctl");
    }

    /// <summary>Stops watching <paramref name="fd"/>; a descriptor already gone is fine.</summary>
    public static void Remove(int epoll, int fd)
    {
        var ev = stackalloc byte[16]; // ignored, but kernels before 2.6.9 wanted it non-null
        EpollCtl(epoll, CtlDel, fd, ev);
    }

    /// <summary>The user data of event <paramref name="index"/> in a buffer filled by <see cref="Wait"/>.</summary>
    public static int DataAt(byte* events, int index) => *(int*)(events + (index * EventSize) + DataOffset);

    /// <summary>Ready events into <paramref name="events"/> (room for <paramref name="max"/>); 0 on timeout, -1 with errno on failure.</summary>
    public static int Wait(int epoll, byte* events, int max, int timeoutMs) => EpollWait(epoll, events, max, timeoutMs);

    /// <summary>Receives into <paramref name="buffer"/> without blocking (the socket is non-blocking); -1 with errno on failure.</summary>
    public static nint Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer) return Recv(fd, p, (nuint)buffer.Length, 0);
    }

    /// <summary>
    /// Asks the kernel to stamp what <paramref name="fd"/> receives with the time it arrived (<c>SO_TIMESTAMPNS</c>, the
    /// generic Linux value that x64 and arm64 use); <see cref="ReceiveStamped"/> reads the stamps.
    /// </summary>
    public static void StampArrivals(int fd)
    {
        var on = 1;
        if (SetSockOpt(fd, SolSocket, SoTimestampNs, &on, sizeof(int)) != 0) throw Failure("setsockopt(SO_TIMESTAMPNS)");
    }

    /// <summary>
    /// <see cref="Receive"/>, also giving when the newest bytes it returned reached the socket (<see cref="StampArrivals"/>),
    /// in nanoseconds since the Unix epoch on the system clock; 0 when the kernel gave no stamp.
    /// </summary>
    public static nint ReceiveStamped(int fd, Span<byte> buffer, out long arrivedUnixNs)
    {
        arrivedUnixNs = 0;
        var control = stackalloc byte[ControlSize];
        var iov = stackalloc nint[2];
        var header = stackalloc byte[MessageHeaderSize];
        new Span<byte>(header, MessageHeaderSize).Clear();
        fixed (byte* p = buffer)
        {
            iov[0] = (nint)p;
            iov[1] = buffer.Length;
            // struct msghdr on 64-bit Linux: name, namelen, iov, iovlen, control, controllen, flags.
            *(nint**)(header + 16) = iov;
            *(nint*)(header + 24) = 1;
            *(byte**)(header + 32) = control;
            *(nint*)(header + 40) = ControlSize;
            var read = RecvMsg(fd, header, 0);
            if (read <= 0) return read;
            // One struct cmsghdr (length, level, type, then the data at 16) holding a struct timespec, if the kernel gave it.
            var controlLength = *(nint*)(header + 40);
            if (controlLength >= 32 && *(int*)(control + 8) == SolSocket && *(int*)(control + 12) == SoTimestampNs)
            {
                arrivedUnixNs = (*(long*)(control + 16) * 1_000_000_000) + *(long*)(control + 24);
            }
            return read;
        }
    }

    public static int LastError => Marshal.GetLastPInvokeError();

    public static void Close(int fd) => CloseFd(fd);

    private static IOException Failure(string call) => new($"{call} failed: {Marshal.GetLastPInvokeErrorMessage()}");

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, byte* events, int max, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint RecvMsg(int fd, byte* message, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}
