using System.Text;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Keywords that give a value its meaning: looked for in the text just before a candidate and in the name of
/// the field (JSON key, form field, CSV column, header) that holds it. ASCII keywords match case-insensitively.
/// </summary>
internal static class ContextKeywords
{
    private static readonly (byte[] Keyword, ContextHints Hint)[] Nearby = Build(
    [
        ("身份证", ContextHints.IdCard), ("证件号", ContextHints.IdCard), ("身份号", ContextHints.IdCard), ("公民身份", ContextHints.IdCard),
        ("idcard", ContextHints.IdCard), ("id_card", ContextHints.IdCard), ("id card", ContextHints.IdCard), ("idno", ContextHints.IdCard),
        ("id_no", ContextHints.IdCard), ("identity", ContextHints.IdCard), ("citizen", ContextHints.IdCard),
        ("电话", ContextHints.Phone), ("手机", ContextHints.Phone), ("座机", ContextHints.Phone), ("固话", ContextHints.Phone),
        ("联系方式", ContextHints.Phone), ("传真", ContextHints.Phone), ("致电", ContextHints.Phone), ("拨打", ContextHints.Phone),
        ("tel", ContextHints.Phone), ("phone", ContextHints.Phone), ("mobile", ContextHints.Phone), ("fax", ContextHints.Phone),
        ("护照", ContextHints.Passport), ("passport", ContextHints.Passport),
        ("通行证", ContextHints.Permit), ("回乡证", ContextHints.Permit), ("台胞证", ContextHints.Permit), ("permit", ContextHints.Permit),
        ("imei", ContextHints.Imei), ("meid", ContextHints.Imei), ("串号", ContextHints.Imei), ("设备号", ContextHints.Imei),
        ("mac", ContextHints.Mac), ("ssn", ContextHints.Ssn), ("social security", ContextHints.Ssn),
        ("澳门", ContextHints.MoId), ("macau", ContextHints.MoId), ("macao", ContextHints.MoId), ("bir", ContextHints.MoId),
        ("银行卡", ContextHints.Bank), ("卡号", ContextHints.Bank), ("card", ContextHints.Bank),
        ("姓名", ContextHints.Name), ("名字", ContextHints.Name), ("收件人", ContextHints.Name), ("收货人", ContextHints.Name),
        ("联系人", ContextHints.Name), ("寄件人", ContextHints.Name), ("户名", ContextHints.Name), ("持卡人", ContextHints.Name),
        ("地址", ContextHints.Address), ("住址", ContextHints.Address), ("居住地", ContextHints.Address), ("户籍", ContextHints.Address),
        ("订单", ContextHints.OtherId), ("单号", ContextHints.OtherId), ("流水号", ContextHints.OtherId), ("交易号", ContextHints.OtherId),
        ("运单", ContextHints.OtherId), ("order", ContextHints.OtherId), ("txn", ContextHints.OtherId), ("trade", ContextHints.OtherId),
        ("transaction", ContextHints.OtherId), ("trace", ContextHints.OtherId), ("tracking", ContextHints.OtherId),
        ("serial", ContextHints.OtherId), ("invoice", ContextHints.OtherId), ("sku", ContextHints.OtherId), ("waybill", ContextHints.OtherId),
        ("request", ContextHints.OtherId), ("session", ContextHints.OtherId), ("snowflake", ContextHints.OtherId),
    ]);

    // Field names (lower-cased, '_' '-' ' ' removed) that name a person or an address outright.
    private static readonly (byte[] Keyword, ContextHints Hint)[] ExactFields = Build(
    [
        ("name", ContextHints.Name), ("fullname", ContextHints.Name), ("realname", ContextHints.Name), ("truename", ContextHints.Name),
        ("personname", ContextHints.Name), ("customername", ContextHints.Name), ("contactname", ContextHints.Name),
        ("receivername", ContextHints.Name), ("receiver", ContextHints.Name), ("consignee", ContextHints.Name), ("recipient", ContextHints.Name),
        ("recipientname", ContextHints.Name), ("cardholder", ContextHints.Name), ("holdername", ContextHints.Name), ("xingming", ContextHints.Name),
        ("contact", ContextHints.Name), ("patientname", ContextHints.Name), ("employeename", ContextHints.Name), ("username", ContextHints.None),
        ("address", ContextHints.Address), ("addr", ContextHints.Address), ("homeaddress", ContextHints.Address), ("shippingaddress", ContextHints.Address),
        ("deliveryaddress", ContextHints.Address), ("streetaddress", ContextHints.Address), ("mailingaddress", ContextHints.Address),
        ("receiveraddress", ContextHints.Address), ("detailaddress", ContextHints.Address), ("street", ContextHints.Address),
    ]);

    /// <summary>Hints from keywords anywhere in <paramref name="text"/> (the few bytes before a candidate).</summary>
    public static ContextHints FromText(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return ContextHints.None;
        }

        Span<byte> lower = stackalloc byte[Math.Min(text.Length, 128)];
        text = text[^lower.Length..];

        // Which byte values occur: a keyword whose first or last byte is absent cannot occur, so most of the
        // substring searches are skipped (this runs for every candidate that needs context).
        Span<ulong> present = stackalloc ulong[4];
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            b = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
            lower[i] = b;
            present[b >> 6] |= 1UL << (b & 63);
        }

        var hints = ContextHints.None;
        foreach (var (keyword, hint) in Nearby)
        {
            if ((hints & hint) == 0 && Has(present, keyword[0]) && Has(present, keyword[^1]) && lower.IndexOf(keyword) >= 0)
            {
                hints |= hint;
            }
        }

        return hints;
    }

    /// <summary>Hints from a field name: the nearby keywords plus exact person/address field names.</summary>
    public static ContextHints FromFieldName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return ContextHints.Computed;
        }

        Span<byte> folded = stackalloc byte[Math.Min(name.Length, 64)];
        var n = 0;
        foreach (var b in name)
        {
            if (n == folded.Length)
            {
                break;
            }

            if (b is (byte)'_' or (byte)'-' or (byte)' ' or (byte)'.')
            {
                continue;
            }

            folded[n++] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        var hints = ContextHints.Computed;
        foreach (var (keyword, hint) in ExactFields)
        {
            if (folded[..n].SequenceEqual(keyword))
            {
                hints |= hint;
            }
        }

        var f = folded[..n];
        if (f.IndexOf("version"u8) >= 0 || f.SequenceEqual("ver"u8) || f.SequenceEqual("ua"u8) || f.IndexOf("useragent"u8) >= 0 || f.IndexOf("build"u8) >= 0)
        {
            hints |= ContextHints.Version;
        }

        var fromText = FromText(name);

        // "ipAddress", "macAddress", "emailAddress": an address of something else.
        if ((fromText & ContextHints.Address) != 0 || folded[..n].EndsWith("address"u8))
        {
            if (!ContainsAny(folded[..n], "ip"u8, "mac"u8, "mail"u8, "host"u8, "server"u8, "remote"u8, "url"u8, "web"u8, "wallet"u8))
            {
                hints |= ContextHints.Address;
            }
        }

        return hints | (fromText & ~ContextHints.Address);
    }

    private static bool Has(ReadOnlySpan<ulong> present, byte b) => (present[b >> 6] & (1UL << (b & 63))) != 0;

    private static bool ContainsAny(ReadOnlySpan<byte> s, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d,
        ReadOnlySpan<byte> e, ReadOnlySpan<byte> f, ReadOnlySpan<byte> g, ReadOnlySpan<byte> h, ReadOnlySpan<byte> i) =>
        s.IndexOf(a) >= 0 || s.IndexOf(b) >= 0 || s.IndexOf(c) >= 0 || s.IndexOf(d) >= 0 || s.IndexOf(e) >= 0 || s.IndexOf(f) >= 0
        || s.IndexOf(g) >= 0 || s.IndexOf(h) >= 0 || s.IndexOf(i) >= 0;

    private static (byte[], ContextHints)[] Build((string Keyword, ContextHints Hint)[] entries)
    {
        var result = new (byte[], ContextHints)[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            result[i] = (Encoding.UTF8.GetBytes(entries[i].Keyword), entries[i].Hint);
        }

        return result;
    }
}
