using System.Text;

namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// The C2SP signed-note rule for key names, which we also apply to origins: non-empty, well-formed
/// (no lone surrogate), no Unicode space, no control character, no '+'.
/// </summary>
internal static class NoteName
{
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        var rest = name;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) || rune.Value == '+')
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }
}
