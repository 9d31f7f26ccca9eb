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
}
