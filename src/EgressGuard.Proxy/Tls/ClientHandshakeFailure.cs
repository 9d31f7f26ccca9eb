namespace EgressGuard.Proxy.Tls;

/// <summary>Why a client's TLS handshake with a minted certificate did not complete.</summary>
public enum ClientHandshakeFailure
{
    /// <summary>
    /// The client refused the certificate: it said so with a TLS alert (unknown CA, bad,
    /// unsupported, unknown, revoked or expired certificate), or it closed or reset the connection
    /// after its ClientHello — once our certificate was on its way — without ever having completed
    /// a handshake with us for that host lately (a pinned app, a client without the appliance CA;
    /// many close without an alert, and a reset loses the alert). Remembered: that client's next
    /// connections to that host are spliced for a while.
    /// </summary>
    CertificateRefused,

    /// <summary>
    /// The connection ended without a refusal: closed or broken before the ClientHello was
    /// complete, or by a client that has accepted our certificate for that host lately (a browser's
    /// spare connection, a load tool stopping). Not remembered — otherwise anyone could switch
    /// inspection off by dropping one handshake.
    /// </summary>
    Abandoned,

    /// <summary>
    /// The handshake did not finish within the header timeout — typically a protocol in which the
    /// server speaks first (the client waits, we wait for its hello). Remembered like a refusal, so
    /// the next connection is spliced and that protocol works.
    /// </summary>
    TimedOut,

    /// <summary>
    /// The ClientHello's SNI names another host than the one the tunnel was decided for (domain
    /// fronting at the TLS layer). Refused; not remembered, so it never leads to a splice.
    /// </summary>
    SniMismatch,
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
    /// Classifies the exception <c>AuthenticateAsServerAsync</c> threw. <paramref name="timedOut"/>:
    /// the handshake timer (not the connection closing) cancelled it; <paramref name="helloReceived"/>:
    /// the ClientHello was complete, so the client could see our certificate;
    /// <paramref name="acceptedRecently"/>: this client completed a handshake with us for this host lately.
    /// </summary>
    public static ClientHandshakeFailure Classify(Exception exception, bool timedOut, bool helloReceived, bool acceptedRecently)
    {
        if (exception is OperationCanceledException && timedOut)
        {
            return ClientHandshakeFailure.TimedOut;
        }

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

        return helloReceived && !acceptedRecently ? ClientHandshakeFailure.CertificateRefused : ClientHandshakeFailure.Abandoned;
    }
}
