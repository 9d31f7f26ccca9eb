using System.Buffers.Binary;
using System.Net;

namespace EgressGuard.Geo.Mmdb;

/// <summary>A distinct data record of a database and the first address whose lookup ends on it.</summary>
/// <param name="DataOffset">Offset of the record in the data section.</param>
/// <param name="Address">The address as a 32-bit (IPv4 database) or 128-bit (IPv6 database) number.</param>
internal readonly record struct MmdbRecordProbe(int DataOffset, UInt128 Address)
{
    /// <summary>The address as an <see cref="IPAddress"/> of the database's family.</summary>
    public IPAddress ToIPAddress(int ipVersion)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (ipVersion == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Address);
            return new IPAddress(bytes[..4]);
        }

        BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
        return new IPAddress(bytes);
    }
}
