using System.Security.Authentication;

namespace EgressGuard.Proxy.Tls;

/// <summary>Why a client's TLS handshake with a minted certificate did not complete.</summary>
public enum ClientHandshakeFailure
{
    /// <summary>
    /// The client said, with a TLS alert, that it does not accept the certificate (unknown CA, bad,
    /// unsupported, unknown, revoked or expired certificate): a pinned app or a client without the
    /// appliance CA. Remembered: that client's next connections to that host are spliced for a while.
    /// </summary>
    CertificateRefused,

    /// <summary>
    /// The connection ended or broke without such an alert (closed, reset, a malformed hello): a
    /// client that gave up, a browser's spare pre-connection, a benchmark tool stopping. Not
    /// remembered — otherwise anyone could switch inspection off by dropping one handshake.
    /// </summary>
    Abandoned,

    /// <summary>
    /// The handshake did not finish within the header timeout — typically a protocol in which the
    /// server speaks first (the client waits, we wait for its hello). Remembered like a refusal, so
    /// the next connection is spliced and that protocol works.
    /// </summary>
    TimedOut,
}

/// <summary>Sorts a failed server-side handshake into a <see cref="ClientHandshakeFailure"/>.</summary>
public static class ClientHandshakeFailures
{
    // OpenSSL's reason strings for the alerts a client sends when it rejects the server's
    // certificate (RFC 8446 §6.2: bad_certificate 42, unsupported_certificate 43,
    // certificate_revoked 44, certificate_expired 45, certificate_unknown 46, unknown_ca 48), as
    // .NET surfaces them in the exception chain, e.g. "error:0A000418:SSL routines::tlsv1 alert unknown ca".
    private static readonly string[] RefusalAlerts =
    [
        "alert unknown ca",
        "alert bad certificate",
        "alert certificate unknown",
        "alert unsupported certificate",
        "alert certificate revoked",
        "alert certificate expired",
    ];

    /// <summary>
    /// Classifies the exception <c>AuthenticateAsServerAsync</c> threw; <paramref name="timedOut"/>
    /// says whether the handshake timer (not the connection closing) cancelled it.
    /// </summary>
    public static ClientHandshakeFailure Classify(Exception exception, bool timedOut)
    {
        if (exception is OperationCanceledException)
        {
            return timedOut ? ClientHandshakeFailure.TimedOut : ClientHandshakeFailure.Abandoned;
        }

        if (exception is AuthenticationException)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                foreach (var alert in RefusalAlerts)
                {
                    if (e.Message.Contains(alert, StringComparison.OrdinalIgnoreCase))
                    {
                        return ClientHandshakeFailure.CertificateRefused;
                    }
                }
            }
        }

        return ClientHandshakeFailure.Abandoned;
    }
}
