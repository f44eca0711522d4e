using System.Net.WebSockets;
using ComfySharp.Server.Sessions;

namespace ComfySharp.Server.Tests.Sessions;

public sealed class ClientSessionTests
{
    private static ClientSession Stalled(int capacity)
    {
        var session = new ClientSession("stalled", capacity);
        session.Attach(WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }));
        return session;
    }

    [Fact]
    public void Previews_are_dropped_once_the_outbox_is_half_full_and_events_still_fit()
    {
        var session = Stalled(8);
        for (var i = 0; i < 4; i++) session.Post(new OutboundFrame(new byte[1], true, false));
        session.Post(new OutboundFrame(new byte[1], false, true));
        Assert.False(session.IsClosing);
        for (var i = 0; i < 4; i++) session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.False(session.IsClosing);
    }

    [Fact]
    public void A_client_that_cannot_keep_up_is_closed_instead_of_blocking_the_engine()
    {
        var session = Stalled(4);
        for (var i = 0; i < 4; i++) session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.False(session.IsClosing);
        session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.True(session.IsClosing);
        Assert.Equal((WebSocketCloseStatus)1013, session.CloseStatus);
    }

    [Fact]
    public void Frames_posted_before_the_socket_is_attached_wait_in_the_outbox()
    {
        var session = new ClientSession("early", 4);
        session.Post(new OutboundFrame(new byte[1], true, false));
        session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.False(session.IsClosing);
        Assert.Throws<InvalidOperationException>(() => session.Socket);
    }
}
