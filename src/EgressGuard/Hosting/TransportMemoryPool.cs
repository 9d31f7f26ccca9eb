using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace EgressGuard.Hosting;

/// <summary>
/// The memory pool of the proxy's socket transport, with 64 KiB blocks instead of Kestrel's 4 KiB:
/// Kestrel receives into one pool block at a time, so the block size is the most a client upload
/// moves per receive syscall (4 KiB blocks cost four times the CPU per uploaded byte through a
/// CONNECT tunnel). Blocks are pinned arrays (sockets need not pin them per I/O) kept in a free
/// list bounded at 64 MiB; an idle connection holds none (Kestrel waits for data before renting).
/// </summary>
internal sealed class TransportMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    /// <summary>The block size.</summary>
    public const int BlockSize = 64 * 1024;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new Pool(BlockSize);

    private sealed class Pool(int blockSize) : MemoryPool<byte>
    {
        private const int MaxFree = 1024;
        private readonly ConcurrentQueue<byte[]> _free = new();
        private int _freeCount;

        public override int MaxBufferSize => blockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            if (minBufferSize > blockSize)
            {
                return new Block(this, GC.AllocateUninitializedArray<byte>(minBufferSize, pinned: true), pooled: false);
            }

            if (_free.TryDequeue(out var array))
            {
                Interlocked.Decrement(ref _freeCount);
                return new Block(this, array, pooled: true);
            }

            return new Block(this, GC.AllocateUninitializedArray<byte>(blockSize, pinned: true), pooled: true);
        }

        protected override void Dispose(bool disposing)
        {
            _free.Clear();
        }

        private void Return(byte[] array)
        {
            if (Interlocked.Increment(ref _freeCount) <= MaxFree)
            {
                _free.Enqueue(array);
            }
            else
            {
                Interlocked.Decrement(ref _freeCount);
            }
        }

        private sealed class Block(Pool pool, byte[] array, bool pooled) : IMemoryOwner<byte>
        {
            private byte[]? _array = array;

            public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

            public void Dispose()
            {
                var array = Interlocked.Exchange(ref _array, null);
                if (array is not null && pooled)
                {
                    pool.Return(array);
                }
            }
        }
    }
}
