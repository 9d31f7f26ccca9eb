using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EgressGuard.FunctionalTests.Transparent;

/// <summary>
/// An origin inside a network namespace the test created: its listening sockets are opened on a
/// thread switched into the namespace with setns(2) (a socket stays in the namespace it was created
/// in), then served from this process. Answers plain HTTP and TLS (with the given certificate) on
/// ports 80 and 443: <c>hello from ADDRESS</c>.
/// </summary>
internal sealed class NamespaceOrigin : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly List<Socket> _listeners = [];
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();

    public NamespaceOrigin(string netns, X509Certificate2 certificate)
    {
        _certificate = certificate;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle("/var/run/netns/" + netns);
                Check(SetNs(target.DangerousGetHandle(), CloneNewNet));
                try
                {
                    foreach (var port in new[] { 80, 443 })
                    {
                        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
                        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
                        socket.Listen(64);
                        _listeners.Add(socket);
                    }
                }
                finally
                {
                    Check(SetNs(home.DangerousGetHandle(), CloneNewNet));
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("could not open the origin's sockets in netns " + netns, failure);
        }

        foreach (var listener in _listeners)
        {
            _ = AcceptLoopAsync(listener);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(IntPtr fd, int nstype);

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException("setns failed: errno " + Marshal.GetLastPInvokeError());
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(accepted);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            using (socket)
            {
                var local = ((IPEndPoint)socket.LocalEndPoint!).Address;
                local = local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local;
                var first = new byte[1];
                if (await socket.ReceiveAsync(first, SocketFlags.Peek, timeout.Token) == 0)
                {
                    return;
                }

                Stream stream = new NetworkStream(socket, ownsSocket: false);
                if (first[0] == 22)
                {
                    var ssl = new SslStream(stream);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
                    stream = ssl;
                }

                await using (stream)
                {
                    var head = new StringBuilder();
                    var one = new byte[1];
                    while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, timeout.Token) == 1)
                    {
                        head.Append((char)one[0]);
                    }

                    var body = "hello from " + local;
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), timeout.Token);
                    await stream.FlushAsync(timeout.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // A refused or reset client: nothing to answer.
        }
    }
}
