using System.Text;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Tests;

/// <summary>Validators on their own, for vector files whose values are not a detector type (generic Luhn numbers).</summary>
public sealed class ValidatorTests
{
    [Fact]
    public void Luhn_GenericLuhnVectors_AgreeWithSourceLabels()
    {
        foreach (var v in PiiVectors.Load("luhn.tsv"))
        {
            var digits = v.Value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            var valid = digits.Length > 0 && digits.All(char.IsAsciiDigit) && Luhn.IsValid(Encoding.ASCII.GetBytes(digits));
            Assert.True(valid == v.Valid, v.Value);
        }
    }

    [Theory]
    [InlineData("11010519491231002X", true)]
    [InlineData("110105194912310021", false)]
    [InlineData("11010519491231002x", false)]
    public void ResidentIdChecksum_UpperCaseCheckCharacter_IsRequiredAfterNormalisation(string id, bool valid) =>
        Assert.Equal(valid, ResidentIdChecksum.IsValid(Encoding.ASCII.GetBytes(id)));

    [Theory]
    [InlineData("91110000600037341L", true)]
    [InlineData("91110000600037341N", false)]
    public void Gb32100_CreditCode_ChecksBothCheckCharacters(string code, bool valid)
    {
        var bytes = Encoding.ASCII.GetBytes(code);
        Assert.Equal(valid, Gb32100Checksum.IsCreditCodeCheckValid(bytes) && Gb32100Checksum.IsOrganisationCodeValid(bytes));
    }

    [Fact]
    public void Luhn_RandomDigitStringsAndStrayBytes_AgreeWithTextbookDefinition()
    {
        // The validator is branch-free and works two digits at a time; the textbook loop here is the reference.
        var random = new Random(11);
        for (var n = 0; n < 20_000; n++)
        {
            var digits = new byte[random.Next(1, 24)];
            for (var i = 0; i < digits.Length; i++)
            {
                digits[i] = (byte)('0' + random.Next(10));
            }

            Assert.Equal(Textbook(digits), Luhn.IsValid(digits));
            var stray = (byte[])digits.Clone();
            stray[random.Next(stray.Length)] = (byte)"/:a -\xff"[random.Next(6)];
            Assert.False(Luhn.IsValid(stray));
        }

        Assert.False(Luhn.IsValid([]));
    }

    private static bool Textbook(byte[] digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2) - (d >= 5 ? 9 : 0) : d;
        }

        return sum % 10 == 0;
    }
}
