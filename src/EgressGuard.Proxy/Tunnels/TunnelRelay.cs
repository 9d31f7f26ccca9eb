using System.IO.Pipelines;
using System.Net.Sockets;

namespace EgressGuard.Proxy.Tunnels;

/// <summary>
/// Relays bytes both ways between the client connection (Kestrel's transport pipe) and the origin
/// socket, with byte counters and an idle timeout. Buffers come from the pipe's pool; the origin
/// side does a zero-byte receive whenever the last read did not fill the buffer, so an idle tunnel
/// holds no receive buffer.
/// </summary>
public static class TunnelRelay
{
    // A receive that filled its buffer (a bulk transfer) is followed by a larger one, so bulk data
    // moves in few syscalls; the pipe rents the buffer and returns it once sent. Interactive traffic
    // (reads that do not fill 16 KiB) never holds more.
    private const int ReceiveSize = 16 * 1024;
    private const int BulkReceiveSize = 64 * 1024;

    /// <summary>Runs the tunnel until either side closes, an error, the idle timeout, or <paramref name="cancellationToken"/>.</summary>
    public static async Task<TunnelResult> RunAsync(IDuplexPipe client, Socket origin, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var state = new State();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var up = PumpUpAsync(client.Input, origin, state, stop.Token);
        var down = PumpDownAsync(origin, client.Output, state, stop.Token);
        var watchdog = WatchIdleAsync(state, idleTimeout, stop);

        // The origin closing ends the tunnel; the client closing half-closes toward the origin and
        // lets the origin finish its answer (RFC 9110 §9.3.6: a tunnel closes when either side does,
        // after the other has sent what it had).
        await down;
        await stop.CancelAsync();
        await up;
        await watchdog;

        var reason = state.IdleExpired ? "idle" : state.Failed ? "error" : cancellationToken.IsCancellationRequested ? "shutdown" : "closed";
        return new TunnelResult(state.BytesUp, state.BytesDown, reason);
    }

    private static async Task PumpUpAsync(PipeReader input, Socket origin, State state, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await origin.SendAsync(segment, SocketFlags.None, cancellationToken);
                }

                state.BytesUp += buffer.Length;
                state.Touch();
                input.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            // Client finished sending: pass the FIN on, keep receiving the origin's answer.
            origin.Shutdown(SocketShutdown.Send);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            state.Failed = true;
            SafeShutdown(origin);
        }
    }

    private static async Task PumpDownAsync(Socket origin, PipeWriter output, State state, CancellationToken cancellationToken)
    {
        try
        {
            var lastFilled = false;
            while (true)
            {
                if (!lastFilled)
                {
                    // Wait for data without holding a buffer (idle tunnels cost no memory).
                    await origin.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                }

                var memory = output.GetMemory(lastFilled ? BulkReceiveSize : ReceiveSize);
                var read = await origin.ReceiveAsync(memory, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                lastFilled = read == memory.Length;
                output.Advance(read);
                state.BytesDown += read;
                state.Touch();
                var flush = await output.FlushAsync(cancellationToken);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            state.Failed = true;
        }
    }

    private static async Task WatchIdleAsync(State state, TimeSpan idleTimeout, CancellationTokenSource stop)
    {
        // Coarse check (a quarter of the timeout, 0.25–15 s): no timer reset per read on the hot path.
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(idleTimeout.TotalMilliseconds / 4, 250, 15_000));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, stop.Token);
                if (Environment.TickCount64 - Volatile.Read(ref state.LastActivity) >= (long)idleTimeout.TotalMilliseconds)
                {
                    state.IdleExpired = true;
                    await stop.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void SafeShutdown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private sealed class State
    {
        public long LastActivity = Environment.TickCount64;

        public long BytesUp { get; set; }

        public long BytesDown { get; set; }

        public bool IdleExpired { get; set; }

        public bool Failed { get; set; }

        public void Touch() => Volatile.Write(ref LastActivity, Environment.TickCount64);
    }
}
