using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>
/// A real rsyslog (<c>rsyslogd -n</c> with its own config) listening on a loopback port over TCP or
/// TLS (gtls driver; certificate issued by a throwaway CA), writing every message's raw text
/// (<c>%rawmsg%</c>, framing removed) to <c>raw.log</c> and rsyslog's own RFC 5424 parse of it to
/// <c>fields.log</c>. The process is the test's own child and is killed by its id at the end.
/// </summary>
internal sealed class RsyslogReceiver : IDisposable
{
    private const string Binary = "/usr/sbin/rsyslogd";
    private readonly string _directory;
    private readonly bool _tls;
    private Process? _process;

    private RsyslogReceiver(string directory, int port, bool tls)
    {
        _directory = directory;
        Port = port;
        _tls = tls;
    }

    /// <summary>Why rsyslog cannot run here, or null.</summary>
    public static string? Unavailable { get; } = File.Exists(Binary)
        ? null
        : "rsyslogd is not installed (tests/run.sh installs rsyslog and rsyslog-gnutls)";

    /// <summary>Why rsyslog cannot do TLS here, or null.</summary>
    public static string? TlsUnavailable { get; } = Unavailable ?? (File.Exists("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so") || File.Exists("/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so")
        ? null
        : "rsyslog's TLS driver is not installed (package rsyslog-gnutls; tests/run.sh installs it)");

    public int Port { get; }

    /// <summary>The CA certificate (PEM file) that issued the receiver's certificate, when TLS.</summary>
    public string CaFile => Path.Combine(_directory, "ca.pem");

    public string RawLog => Path.Combine(_directory, "raw.log");

    public string FieldsLog => Path.Combine(_directory, "fields.log");

    /// <summary>Prepares a receiver in <paramref name="directory"/> on a free port, not yet started.</summary>
    public static RsyslogReceiver Create(string directory, bool tls)
    {
        var receiver = new RsyslogReceiver(directory, FreePort(), tls);
        receiver.WriteConfig();
        return receiver;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-n", "-f", Path.Combine(_directory, "rsyslog.conf"), "-i", Path.Combine(_directory, "rsyslog.pid") })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail("rsyslogd exited: " + await _process.StandardError.ReadToEndAsync());
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The raw lines received so far (one message per line: the sink escapes line breaks).</summary>
    public string[] RawLines() => File.Exists(RawLog) ? File.ReadAllLines(RawLog) : [];

    public string[] FieldLines() => File.Exists(FieldsLog) ? File.ReadAllLines(FieldsLog) : [];

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WriteConfig()
    {
        Directory.CreateDirectory(_directory);
        var tlsGlobal = string.Empty;
        var module = "module(load=\"imtcp\" MaxSessions=\"20\")";
        if (_tls)
        {
            WriteCertificates();
            tlsGlobal = $" DefaultNetstreamDriverCAFile=\"{CaFile}\" DefaultNetstreamDriverCertFile=\"{Path.Combine(_directory, "server.pem")}\" DefaultNetstreamDriverKeyFile=\"{Path.Combine(_directory, "server-key.pem")}\"";
            module = "module(load=\"imtcp\" MaxSessions=\"20\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\"anon\")";
        }

        File.WriteAllText(Path.Combine(_directory, "rsyslog.conf"), $$"""
            global(workDirectory="{{_directory}}" maxMessageSize="64k"{{tlsGlobal}})
            {{module}}
            input(type="imtcp" address="127.0.0.1" port="{{Port}}" ruleset="eg")
            template(name="raw" type="string" string="%rawmsg%\n")
            template(name="fields" type="string" string="%pri%\t%protocol-version%\t%timereported:::date-rfc3339%\t%hostname%\t%app-name%\t%procid%\t%msgid%\t%structured-data%\n")
            ruleset(name="eg") {
              action(type="omfile" file="{{RawLog}}" template="raw")
              action(type="omfile" file="{{FieldsLog}}" template="fields")
            }

            """);
    }

    private void WriteCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=EgressGuard test syslog CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(6), [1, 2, 3, 4, 5, 6, 7, 8]);

        File.WriteAllText(CaFile, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(_directory, "server.pem"), server.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(_directory, "server-key.pem"), serverKey.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
