namespace ComfySharp.LoadGen;

/// <summary>The server answered in a way the scenario cannot go on from; the message says what it answered.</summary>
internal sealed class ServerRefusedException(string message) : Exception(message);
