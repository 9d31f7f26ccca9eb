using System.Diagnostics.CodeAnalysis;

namespace EgressGuard.Geo.Mmdb;

/// <summary>
/// Verifies a whole MaxMind DB image before any reader touches it. The MaxMind readers are lazy:
/// they parse the metadata at open and meet a corrupt node or record only when a lookup walks into
/// it. This walks everything a lookup can reach — metadata, every search-tree node, the separator,
/// every data record the tree points to and everything those records point to — and lists each
/// distinct record with an address that reaches it, so <see cref="CountryDatabase.Open"/> can decode
/// each one once through the real reader. Together these make a database that opens one whose
/// lookups cannot fail.
/// </summary>
internal static class MmdbVerifier
{
    // The spec puts the metadata after the last occurrence of this marker, in the last 128 KiB.
    private const int MetadataSearchWindow = 128 * 1024;
    private const int DataSectionSeparatorSize = 16;

    private static ReadOnlySpan<byte> MetadataMarker =>
        [0xAB, 0xCD, 0xEF, (byte)'M', (byte)'a', (byte)'x', (byte)'M', (byte)'i', (byte)'n', (byte)'d', (byte)'.', (byte)'c', (byte)'o', (byte)'m'];

    /// <summary>Verifies <paramref name="image"/>; on success returns its metadata and records.</summary>
    /// <param name="image">The whole file.</param>
    /// <param name="verification">The metadata and the distinct records, when the image is sound.</param>
    /// <param name="error">
    /// One line saying what is wrong, starting with the part that is broken, e.g.
    /// <c>corrupt search tree (…)</c>.
    /// </param>
    public static bool TryVerify(byte[] image, [NotNullWhen(true)] out MmdbVerification? verification, [NotNullWhen(false)] out string? error)
    {
        verification = null;
        var windowStart = Math.Max(0, image.Length - MetadataSearchWindow);
        var markerIndex = image.AsSpan(windowStart).LastIndexOf(MetadataMarker);
        if (markerIndex < 0)
        {
            error = "not a MaxMind DB file (no metadata marker in the last 128 KiB)";
            return false;
        }

        var markerOffset = windowStart + markerIndex;
        var metadataStart = markerOffset + MetadataMarker.Length;
        var metadataSection = new MmdbDataSection(image, metadataStart, image.Length - metadataStart);
        if (!metadataSection.TryValidateRecord(0, out var problem) || !TryReadMetadata(metadataSection, out var metadata, out problem))
        {
            error = $"corrupt metadata ({problem})";
            return false;
        }

        var treeSize = (long)metadata.NodeCount * metadata.RecordSize / 4;
        if (treeSize + DataSectionSeparatorSize > markerOffset)
        {
            error = $"corrupt search tree (node_count {metadata.NodeCount} at {metadata.RecordSize} bits per record needs {treeSize + DataSectionSeparatorSize} bytes before the data section, but the metadata starts at byte {markerOffset})";
            return false;
        }

        if (image.AsSpan((int)treeSize, DataSectionSeparatorSize).ContainsAnyExcept((byte)0))
        {
            error = $"corrupt data section separator (the 16 bytes after the search tree, at byte {treeSize}, are not all zero; node_count {metadata.NodeCount} may be wrong)";
            return false;
        }

        var dataStart = (int)treeSize + DataSectionSeparatorSize;
        var dataSection = new MmdbDataSection(image, dataStart, markerOffset - dataStart);
        var tree = new MmdbSearchTree(image, metadata.NodeCount, metadata.RecordSize);
        var records = new Dictionary<int, UInt128>();
        if (!tree.TryVerify(metadata.IPVersion == 4 ? 32 : 128, dataSection.Length, records, out problem))
        {
            error = $"corrupt search tree ({problem})";
            return false;
        }

        var probes = new MmdbRecordProbe[records.Count];
        var count = 0;
        foreach (var (offset, address) in records)
        {
            if (!dataSection.TryValidateRecord(offset, out problem))
            {
                error = $"corrupt data section ({problem})";
                return false;
            }

            probes[count++] = new MmdbRecordProbe(offset, address);
        }

        verification = new MmdbVerification(metadata, probes);
        error = null;
        return true;
    }

    private static bool TryReadMetadata(MmdbDataSection section, [NotNullWhen(true)] out MmdbMetadata? metadata, [NotNullWhen(false)] out string? error)
    {
        metadata = null;
        var entries = new List<KeyValuePair<string, int>>();
        if (!section.TryReadMap(0, entries, out error))
        {
            return false;
        }

        ulong? major = null, minor = null, nodeCount = null, recordSize = null, ipVersion = null, buildEpoch = null;
        string? databaseType = null;
        foreach (var (key, valueOffset) in entries)
        {
            if (!section.TryResolve(valueOffset, out var value, out error))
            {
                return false;
            }

            switch (key)
            {
                case "binary_format_major_version":
                    major = ReadUnsigned(section, key, value, ref error);
                    break;
                case "binary_format_minor_version":
                    minor = ReadUnsigned(section, key, value, ref error);
                    break;
                case "node_count":
                    nodeCount = ReadUnsigned(section, key, value, ref error);
                    break;
                case "record_size":
                    recordSize = ReadUnsigned(section, key, value, ref error);
                    break;
                case "ip_version":
                    ipVersion = ReadUnsigned(section, key, value, ref error);
                    break;
                case "build_epoch":
                    buildEpoch = ReadUnsigned(section, key, value, ref error);
                    break;
                case "database_type":
                    if (!section.TryReadString(value, out databaseType, out var stringError))
                    {
                        error = $"'database_type': {stringError}";
                    }

                    break;
                case "languages":
                    error = CheckLanguages(section, value);
                    break;
                case "description":
                    error = CheckDescription(section, valueOffset, value);
                    break;
                default:
                    break;
            }

            if (error is not null)
            {
                return false;
            }
        }

        error = Missing("binary_format_major_version", major) ?? Missing("binary_format_minor_version", minor)
            ?? Missing("node_count", nodeCount) ?? Missing("record_size", recordSize) ?? Missing("ip_version", ipVersion)
            ?? Missing("build_epoch", buildEpoch) ?? (databaseType is null ? "'database_type' is missing" : null);
        if (error is not null)
        {
            return false;
        }

        if (major != 2)
        {
            error = $"binary format version {major}.{minor} is not supported (only 2.x)";
            return false;
        }

        if (recordSize is not (24 or 28 or 32))
        {
            error = $"'record_size' is {recordSize} (must be 24, 28 or 32)";
            return false;
        }

        if (ipVersion is not (4 or 6))
        {
            error = $"'ip_version' is {ipVersion} (must be 4 or 6)";
            return false;
        }

        if (nodeCount is 0 or > uint.MaxValue)
        {
            error = $"'node_count' is {nodeCount} (must be between 1 and {uint.MaxValue})";
            return false;
        }

        if (buildEpoch > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            error = $"'build_epoch' is {buildEpoch}, beyond any representable date";
            return false;
        }

        if (string.IsNullOrEmpty(databaseType))
        {
            error = "'database_type' is empty";
            return false;
        }

        metadata = new MmdbMetadata
        {
            BinaryFormatMajorVersion = major.GetValueOrDefault(),
            BinaryFormatMinorVersion = minor.GetValueOrDefault(),
            NodeCount = (uint)nodeCount.GetValueOrDefault(),
            RecordSize = (int)recordSize.GetValueOrDefault(),
            IPVersion = (int)ipVersion.GetValueOrDefault(),
            DatabaseType = databaseType,
            BuildDate = DateTimeOffset.FromUnixTimeSeconds((long)buildEpoch.GetValueOrDefault()),
        };
        error = null;
        return true;
    }

    private static ulong? ReadUnsigned(MmdbDataSection section, string key, MmdbField value, ref string? error)
    {
        if (section.TryReadUnsigned(value, out var number))
        {
            return number;
        }

        error = $"'{key}' is {MmdbDataSection.Describe(value.Type)}, not an unsigned integer";
        return null;
    }

    // The MaxMind reader decodes these into a list of strings and a string map; check the shapes so
    // that its constructor cannot fail after ours succeeded.
    private static string? CheckLanguages(MmdbDataSection section, MmdbField value)
    {
        if (value.Type != MmdbType.Array)
        {
            return $"'languages' is {MmdbDataSection.Describe(value.Type)}, not an array";
        }

        var position = value.PayloadOffset;
        for (var i = 0; i < value.Size; i++)
        {
            if (!section.TryReadField(position, out var element, out var error) || !section.TryResolve(position, out var item, out error))
            {
                return $"'languages'[{i}]: {error}";
            }

            if (item.Type != MmdbType.Utf8String)
            {
                return $"'languages'[{i}] is {MmdbDataSection.Describe(item.Type)}, not a string";
            }

            position = element.End;
        }

        return null;
    }

    private static string? CheckDescription(MmdbDataSection section, int valueOffset, MmdbField value)
    {
        if (value.Type != MmdbType.Map)
        {
            return $"'description' is {MmdbDataSection.Describe(value.Type)}, not a map";
        }

        var entries = new List<KeyValuePair<string, int>>();
        if (!section.TryReadMap(valueOffset, entries, out var error))
        {
            return $"'description': {error}";
        }

        foreach (var (language, textOffset) in entries)
        {
            if (!section.TryResolve(textOffset, out var text, out error))
            {
                return $"'description'['{language}']: {error}";
            }

            if (text.Type != MmdbType.Utf8String)
            {
                return $"'description'['{language}'] is {MmdbDataSection.Describe(text.Type)}, not a string";
            }
        }

        return null;
    }

    private static string? Missing(string key, ulong? value) => value is null ? $"'{key}' is missing" : null;
}
