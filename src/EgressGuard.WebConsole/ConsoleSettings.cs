using System.Net;
using EgressGuard.WebConsole.Security;

namespace EgressGuard.WebConsole;

/// <summary>The validated <c>Console</c> section: where the API listens and which keys may call it.</summary>
public sealed record ConsoleSettings
{
    /// <summary>The default endpoint: loopback only, so the API is never reachable from the network by accident.</summary>
    public static readonly IPEndPoint DefaultListen = new(IPAddress.Loopback, 8080);

    /// <summary><c>Console:Enabled</c> (default true).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>Console:Listen</c> (default <c>127.0.0.1:8080</c>).</summary>
    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [DefaultListen];

    /// <summary><c>Console:ApiKeys</c>: name, role and SHA-256 of each key. None configured = every API call is refused (401).</summary>
    public IReadOnlyList<ApiKey> ApiKeys { get; init; } = [];

    /// <summary><c>Console:MaxRequestBodyBytes</c> (default 1 MiB): larger API requests get 413.</summary>
    public int MaxRequestBodyBytes { get; init; } = 1024 * 1024;
}
