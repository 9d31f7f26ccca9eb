using System.IO.Pipelines;

namespace EgressGuard.Proxy.Tls;

/// <summary>The decrypted side of an intercepted connection, as the pipe pair Kestrel's HTTP layer reads and writes.</summary>
internal sealed class StreamDuplexPipe : IDuplexPipe
{
    public StreamDuplexPipe(Stream stream)
    {
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }
}
